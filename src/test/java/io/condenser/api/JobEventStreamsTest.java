package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.condenser.job.JobEventQueries;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestModels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How many event streams one process opens, in all and per tenant, on the tests' PostgreSQL; a database that cannot
 * be reached is a real one on a closed port.
 */
class JobEventStreamsTest extends IntegrationTestSupport {

    @Autowired
    JobEventQueries queries;

    @Autowired
    ApiMapper mapper;

    @Autowired
    DataSource dataSource;

    private JobEventStreams streams;

    @AfterEach
    void stop() {
        streams.stop();
    }

    @Test
    void aTenantGetsItsShareOfStreamsAndARefusalSaysWhenToRetry() {
        start(queries, 4, 2);
        UUID greedy = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        streams.open(greedy, UUID.randomUUID(), 0);
        streams.open(greedy, UUID.randomUUID(), 0);

        assertTooManyStreams(() -> streams.open(greedy, UUID.randomUUID(), 0), "of this tenant");
        streams.open(other, UUID.randomUUID(), 0);
        streams.open(other, UUID.randomUUID(), 0);
        assertTooManyStreams(() -> streams.open(UUID.randomUUID(), UUID.randomUUID(), 0), "4 event streams");
    }

    @Test
    void aDatabaseErrorWhileOpeningKeepsNoSlot() {
        DriverManagerDataSource closedPort = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/condenser",
                "nobody", "nothing");
        start(new JobEventQueries(JdbcClient.create(closedPort)), 1, 1);
        UUID tenant = UUID.randomUUID();

        assertThatThrownBy(() -> streams.open(tenant, UUID.randomUUID(), 5))
                .isInstanceOf(DataAccessException.class);

        assertThat(streams.open(tenant, UUID.randomUUID(), 0)).isNotNull();
    }

    @Test
    void aStreamOfAJobTheClientSawEndTakesNoSlot() {
        start(queries, 1, 1);
        ApiClient api = api();
        String modelId = api.uploadModel("mlp.onnx", TestModels.mlp(4, 8, 3, 1).toByteArray()).json().get("id")
                .asString();
        String jobId = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")))).json().get("id").asString();
        api.postJson("/v1/jobs/" + jobId + "/cancel", Map.of());
        JsonNode events = api.get("/v1/jobs/" + jobId + "/events", "Accept", "application/json").json();
        long lastEvent = events.get(events.size() - 1).get("id").asLong();
        UUID tenant = UUID.randomUUID();

        streams.open(tenant, UUID.fromString(jobId), lastEvent);

        assertThat(streams.open(tenant, UUID.randomUUID(), 0)).isNotNull();
    }

    private void start(JobEventQueries eventQueries, int maxStreams, int maxStreamsPerTenant) {
        streams = new JobEventStreams(eventQueries, mapper, JsonMapper.builder().build(), dataSource,
                new JobEventStreamProperties(maxStreams, maxStreamsPerTenant, Duration.ofSeconds(7),
                        Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(5), 1));
        streams.start();
    }

    private static void assertTooManyStreams(Runnable open, String detail) {
        assertThatThrownBy(open::run).isInstanceOfSatisfying(ProblemException.class, refused -> {
            assertThat(refused.type()).isEqualTo(ProblemType.TOO_MANY_EVENT_STREAMS);
            assertThat(refused.getMessage()).contains(detail);
            assertThat(refused.headers()).containsEntry("Retry-After", "7");
        });
    }
}
