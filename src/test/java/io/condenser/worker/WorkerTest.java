package io.condenser.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.job.ClaimedJob;
import io.condenser.job.Device;
import io.condenser.job.JobQueue;
import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestModels;
import io.condenser.testing.TestWorkers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** Workers against the real queue: recovery from a dead worker, cancellation, shutdown, notification wake-up. */
class WorkerTest extends IntegrationTestSupport {

    private static final Logger log = LoggerFactory.getLogger(WorkerTest.class);
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT = Duration.ofMillis(400);

    @Autowired
    ApplicationContext context;

    @Autowired
    JobQueue queue;

    private final List<Worker> workers = new ArrayList<>();
    private String modelId;

    @BeforeEach
    void setUp() {
        jdbc.sql("DELETE FROM jobs").update();
        modelId = api().uploadModel("mlp.onnx", TestModels.mlp(64, 32, 10, 5).toByteArray()).json()
                .get("id").asString();
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(Worker::stop);
    }

    @Test
    void aJobWhoseWorkerDiedMidJobIsRunAgainByAnotherWorker() throws Exception {
        String location = submit(Map.of("samples", 8, "batchSize", 4, "latencyRuns", 3));
        UUID id = idOf(location);
        ClaimedJob dead = queue.claim("worker-that-dies", Set.of(Device.CPU), Device.CPU, Duration.ofMillis(500))
                .orElseThrow();
        assertThat(dead.id()).isEqualTo(id);

        startWorker(3);
        JsonNode job = awaitStatus(location, "SUCCEEDED", Duration.ofSeconds(60));

        assertThat(job.get("attempts").asInt()).isEqualTo(2);
        assertThat(job.hasNonNull("resultModelId")).isTrue();
        assertThat(queue.succeed(dead, null)).as("the dead worker's claim is void").isFalse();
    }

    @Test
    void twoWorkersRunEveryJobExactlyOnce() throws Exception {
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            locations.add(submit(Map.of("samples", 4, "batchSize", 2, "latencyRuns", 3)));
        }
        startWorker(3);
        startWorker(3);

        for (String location : locations) {
            JsonNode job = awaitStatus(location, "SUCCEEDED", Duration.ofSeconds(60));
            assertThat(job.get("attempts").asInt()).isEqualTo(1);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM models WHERE source_job_id IS NOT NULL AND parent_model_id = ?::uuid")
                .param(modelId).query(Long.class).single()).isEqualTo(4);
    }

    @Test
    void aRunningJobStopsWhenCancelledAndLeavesNoResult() throws Exception {
        modelId = api().uploadModel("slow.onnx", TestModels.slowJobModel().toByteArray()).json().get("id").asString();
        String location = submit(TestModels.SLOW_JOB_EVALUATION);
        startWorker(3);
        awaitStatus(location, "RUNNING", Duration.ofSeconds(30));

        ApiClient.Response cancel = api().post(location + "/cancel");
        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.json().get("status").asString()).isIn("CANCELLING", "CANCELLED");

        JsonNode job = awaitStatus(location, "CANCELLED", Duration.ofSeconds(30));
        assertThat(job.hasNonNull("resultModelId")).isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM models WHERE source_job_id = ?").param(idOf(location))
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM job_metrics WHERE job_id = ?").param(idOf(location))
                .query(Long.class).single()).isZero();
    }

    @Test
    void aStoppingWorkerGivesItsJobBackWithoutUsingAnAttempt() throws Exception {
        modelId = api().uploadModel("slow.onnx", TestModels.slowJobModel().toByteArray()).json().get("id").asString();
        String location = submit(TestModels.SLOW_JOB_EVALUATION);
        Worker first = startWorker(3);
        awaitStatus(location, "RUNNING", Duration.ofSeconds(30));

        first.stop();
        workers.remove(first);
        JsonNode released = api().get(location).json();
        assertThat(released.get("status").asString()).isEqualTo("QUEUED");
        assertThat(released.get("attempts").asInt()).isZero();

        jdbc.sql("UPDATE jobs SET spec = jsonb_set(spec, '{evaluation,latencyRuns}', '3') WHERE id = ?")
                .param(idOf(location)).update();
        startWorker(3);
        assertThat(awaitStatus(location, "SUCCEEDED", Duration.ofSeconds(60)).get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void anIdleWorkerIsWokenByTheSubmissionRatherThanByPolling() throws Exception {
        Worker worker = TestWorkers.start(context, LEASE, HEARTBEAT, 3, Duration.ofMinutes(5));
        workers.add(worker);
        Thread.sleep(500);

        String location = submit(Map.of("samples", 4, "batchSize", 2, "latencyRuns", 3));
        awaitStatus(location, "SUCCEEDED", Duration.ofSeconds(60));

        double seconds = jdbc.sql("SELECT extract(epoch FROM started_at - created_at) FROM jobs WHERE id = ?")
                .param(idOf(location)).query(Double.class).single();
        log.info("submit to running: {} ms (poll interval 5 min)", Math.round(seconds * 1000));
        assertThat(seconds).isLessThan(30);
    }

    private Worker startWorker(int maxAttempts) {
        Worker worker = TestWorkers.start(context, LEASE, HEARTBEAT, maxAttempts, Duration.ofSeconds(2));
        workers.add(worker);
        return worker;
    }

    private String submit(Map<String, Object> evaluation) {
        ApiClient.Response response = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")), "evaluation", evaluation));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.header("Location");
    }

    private JsonNode awaitStatus(String location, String status, Duration timeout) {
        JsonNode job = api().awaitJob(location, timeout, status);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo(status);
        return job;
    }

    private static UUID idOf(String location) {
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }
}
