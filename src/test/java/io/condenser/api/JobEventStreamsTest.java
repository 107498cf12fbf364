package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.condenser.job.JobEventQueries;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import tools.jackson.databind.json.JsonMapper;

/** How many event streams one process opens, in all and per tenant; the database is a mock here. */
class JobEventStreamsTest {

    private final JobEventQueries queries = mock(JobEventQueries.class);
    private JobEventStreams streams;

    @AfterEach
    void stop() {
        streams.stop();
    }

    @Test
    void aTenantGetsItsShareOfStreamsAndARefusalSaysWhenToRetry() {
        start(4, 2);
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
        start(1, 1);
        UUID tenant = UUID.randomUUID();
        when(queries.endedBy(any(), anyLong())).thenThrow(new DataAccessResourceFailureException("down"));

        assertThatThrownBy(() -> streams.open(tenant, UUID.randomUUID(), 5))
                .isInstanceOf(DataAccessResourceFailureException.class);

        assertThat(streams.open(tenant, UUID.randomUUID(), 0)).isNotNull();
    }

    @Test
    void aStreamOfAJobTheClientSawEndTakesNoSlot() {
        start(1, 1);
        UUID tenant = UUID.randomUUID();
        when(queries.endedBy(any(), anyLong())).thenReturn(true);

        streams.open(tenant, UUID.randomUUID(), 5);

        assertThat(streams.open(tenant, UUID.randomUUID(), 0)).isNotNull();
    }

    private void start(int maxStreams, int maxStreamsPerTenant) {
        streams = new JobEventStreams(queries, mock(ApiMapper.class), JsonMapper.builder().build(),
                mock(DataSource.class), new JobEventStreamProperties(maxStreams, maxStreamsPerTenant,
                Duration.ofSeconds(7), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(5), 1));
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
