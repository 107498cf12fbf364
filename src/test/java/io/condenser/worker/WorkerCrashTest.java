package io.condenser.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestModels;
import io.condenser.testing.TestWorkers;
import io.condenser.testing.WorkerProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A worker process killed with SIGKILL in the middle of a job: no shutdown hook runs, its lease just stops being
 * renewed. Another worker must finish the job.
 */
class WorkerCrashTest extends IntegrationTestSupport {

    @Autowired
    ApplicationContext context;

    @TempDir
    Path workDir;

    @Test
    void aKilledWorkerProcessLosesNoJob() throws Exception {
        jdbc.sql("DELETE FROM jobs").update();
        String modelId = api().uploadModel("mlp.onnx", TestModels.slowJobModel().toByteArray()).json()
                .get("id").asString();
        ApiClient.Response submitted = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", TestModels.SLOW_JOB_EVALUATION));
        String location = submitted.header("Location");
        UUID id = UUID.fromString(submitted.json().get("id").asString());

        Process child = WorkerProcesses.start(workDir, storageRoot());
        try {
            awaitStatus(location, "RUNNING", Duration.ofSeconds(90));
            String owner = jdbc.sql("SELECT lease_owner FROM jobs WHERE id = ?").param(id).query(String.class)
                    .single();
            assertThat(owner).contains(Long.toString(child.pid()));
        } finally {
            child.destroyForcibly().waitFor();
        }

        jdbc.sql("UPDATE jobs SET spec = jsonb_set(spec, '{evaluation,latencyRuns}', '3') WHERE id = ?")
                .param(id).update();
        Worker survivor = TestWorkers.start(context, Duration.ofSeconds(2), Duration.ofMillis(400), 3,
                Duration.ofSeconds(2));
        try {
            JsonNode job = awaitStatus(location, "SUCCEEDED", Duration.ofSeconds(90));
            assertThat(job.get("attempts").asInt()).isEqualTo(2);
        } finally {
            survivor.stop();
        }
    }

    private JsonNode awaitStatus(String location, String status, Duration timeout) {
        JsonNode job = api().awaitJob(location, timeout, status);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo(status);
        return job;
    }
}
