package io.condenser.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.condenser.engine.TaskEvents;
import io.condenser.testing.IntegrationTestSupport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The events a pipeline step records through {@link TaskEvents}, as the job's event list shows them. */
class StepEventsTest extends IntegrationTestSupport {

    @Autowired
    JobQueue queue;

    @Autowired
    JobEventLog eventLog;

    private ClaimedJob claim;

    @BeforeEach
    void claimAJob() {
        jdbc.sql("DELETE FROM jobs").update();
        jdbc.sql("""
                        INSERT INTO jobs (id, tenant_id, status, device, spec, max_attempts, created_at, updated_at)
                        VALUES (?, (SELECT id FROM tenants WHERE name = 'default'), 'QUEUED', 'cpu', '{}'::jsonb, 3,
                                now(), now())""")
                .param(UUID.randomUUID()).update();
        claim = queue.claim("step-events-test", Set.of(Device.CPU), Device.CPU, Duration.ofMinutes(1)).orElseThrow();
    }

    @Test
    void epochMetricsAndLogLinesBecomeEventsTaggedWithTheirStep() {
        TaskEvents events = new StepEventRecorder(eventLog, claim, 1, "prune/magnitude");
        Map<String, Double> first = new LinkedHashMap<>();
        first.put("trainLoss", 0.52);
        first.put("validationAccuracy", 0.91);
        events.epoch(1, first);
        events.epoch(2, Map.of("trainLoss", Double.NaN));
        events.warning("layer fc3 left dense: too small to prune");

        List<JsonNode> recorded = list();

        assertThat(recorded).extracting(e -> e.get("type").asString())
                .containsExactly("status", "epoch", "epoch", "log");
        assertThat(recorded.get(0).at("/data/status").asString()).isEqualTo("RUNNING");
        assertThat(recorded.get(0).at("/data/attempt").asInt()).isEqualTo(1);
        assertThat(recorded.get(0).at("/data/workerDevice").asString()).isEqualTo("cpu");
        JsonNode epoch = recorded.get(1).get("data");
        assertThat(epoch.get("step").asInt()).isEqualTo(1);
        assertThat(epoch.get("stepType").asString()).isEqualTo("prune/magnitude");
        assertThat(epoch.get("epoch").asInt()).isEqualTo(1);
        assertThat(epoch.get("trainLoss").asDouble()).isEqualTo(0.52);
        assertThat(epoch.get("validationAccuracy").asDouble()).isEqualTo(0.91);
        assertThat(recorded.get(2).at("/data/trainLoss").asString()).as("NaN survives as a string").isEqualTo("NaN");
        assertThat(recorded.get(3).at("/data/level").asString()).isEqualTo("warning");
        assertThat(recorded.get(3).at("/data/message").asString()).contains("fc3");
        assertThat(recorded).extracting(e -> e.get("id").asLong()).isSorted();
    }

    @Test
    void theServicesOwnTypesAndMalformedTypesAreRefused() {
        TaskEvents events = new StepEventRecorder(eventLog, claim, 0, "distill/kd");

        for (String type : List.of("status", "progress", "log", "webhook", "Epoch", "", "a b")) {
            assertThatThrownBy(() -> events.record(type, Map.of())).as(type)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        events.record("pareto-point", Map.of("size", 1024, "accuracy", 0.9));
        assertThat(list()).extracting(e -> e.get("type").asString()).containsExactly("status", "pareto-point");
    }

    @Test
    void aRunThatLostItsLeaseRecordsNothing() {
        ClaimedJob stale = new ClaimedJob(claim.id(), "an-earlier-claim", 1, "cpu");

        new StepEventRecorder(eventLog, stale, 0, "distill/kd").epoch(1, Map.of("trainLoss", 1.0));

        assertThat(list()).extracting(e -> e.get("type").asString()).containsExactly("status");
    }

    private List<JsonNode> list() {
        JsonNode events = api().get("/v1/jobs/" + claim.id() + "/events", "Accept", "application/json").json();
        return events.valueStream().toList();
    }
}
