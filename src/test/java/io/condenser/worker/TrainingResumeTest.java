package io.condenser.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import io.condenser.testing.TestWorkers;
import io.condenser.testing.TorchScriptTestModels;
import io.condenser.testing.WorkerProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A worker process killed with SIGKILL while it fine-tunes a model (ONNX or TorchScript): the job goes back to the
 * queue, and the worker that takes it over resumes from the checkpoint of the last finished epoch instead of training
 * from the start.
 */
class TrainingResumeTest extends IntegrationTestSupport {

    private static final int FEATURES = 64;
    private static final int SAMPLES = 2000;
    private static final int EPOCHS = 40;

    @Autowired
    ApplicationContext context;

    @TempDir
    Path workDir;

    /** The same network as ONNX (its graph executed on DJL) and as TorchScript (the module trained by libtorch). */
    enum Format {
        ONNX("mlp.onnx") {
            @Override
            byte[] model() {
                return TestModels.mlp(FEATURES, 128, 4, 5).toByteArray();
            }
        },
        TORCHSCRIPT("mlp.pt") {
            @Override
            byte[] model() {
                return TorchScriptTestModels.mlp("mlp", TorchScriptTestModels.MlpWeights.random(FEATURES, 128, 4, 5));
            }
        };

        final String fileName;

        Format(String fileName) {
            this.fileName = fileName;
        }

        abstract byte[] model();
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aTrainingJobWhoseWorkerWasKilledResumesAfterItsLastCheckpoint(Format format) throws Exception {
        jdbc.sql("DELETE FROM jobs").update();
        ApiClient api = api();
        String modelId = api.uploadModel(format.fileName, format.model()).json().get("id").asString();
        float[] x = TestModels.gaussian(new SplittableRandom(3), SAMPLES * FEATURES, 1.0);
        long[] y = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            y[i] = (x[i * FEATURES] > 0 ? 1 : 0) + (x[i * FEATURES + 1] > 0 ? 2 : 0);
        }
        String datasetId = api.upload("/v1/datasets", "data.npz", TestDatasets.labelled(x, FEATURES, y, true),
                Map.of()).json().get("id").asString();
        ApiClient.Response submitted = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "finetune", "datasetId", datasetId, "epochs", EPOCHS,
                        "batchSize", 8, "learningRate", 0.01, "validationFraction", 0)),
                "evaluation", Map.of("datasetId", datasetId, "samples", 16, "latencyRuns", 3)));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        String location = submitted.header("Location");
        UUID id = UUID.fromString(submitted.json().get("id").asString());

        int checkpointed;
        Process child = WorkerProcesses.start(workDir, storageRoot());
        try {
            checkpointed = awaitCheckpoint(id, child, Duration.ofSeconds(120));
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertThat(checkpointed).as("killed mid-training").isLessThan(EPOCHS);

        Worker survivor = TestWorkers.start(context, Duration.ofSeconds(2), Duration.ofMillis(400), 3,
                Duration.ofSeconds(2));
        try {
            JsonNode job = api.awaitJob(location, Duration.ofSeconds(180), "SUCCEEDED", "FAILED", "CANCELLED");
            assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).isEqualTo(2);

            int resumedAfter = job.at("/metrics/steps/0/counters/resumedAfterEpoch").asInt();
            assertThat(resumedAfter).isGreaterThanOrEqualTo(checkpointed).isPositive();
            assertThat(job.at("/metrics/steps/0/counters/epochsRun").asInt()).isEqualTo(EPOCHS - resumedAfter);

            List<Integer> secondAttempt = epochsOfAttempt(api, id, 2);
            assertThat(secondAttempt).first().isEqualTo(resumedAfter + 1);
            assertThat(secondAttempt).last().isEqualTo(EPOCHS);
            assertThat(api.get("/v1/jobs/" + id + "/events", "Accept", "application/json").text())
                    .contains("resuming after epoch " + resumedAfter);
            awaitNoCheckpointsLeft(id);
        } finally {
            survivor.stop();
        }
    }

    /** Waits until the child worker stored a checkpoint; returns its epoch. */
    private int awaitCheckpoint(UUID jobId, Process child, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && child.isAlive()) {
            List<Integer> epochs = jdbc.sql("SELECT epoch FROM job_checkpoints WHERE job_id = ?").param(jobId)
                    .query(Integer.class).list();
            if (!epochs.isEmpty()) {
                return epochs.getFirst();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no checkpoint within " + timeout + "; see " + workDir.resolve("worker.log"));
    }

    /** The epochs reported after the job's second claim, in order. */
    private static List<Integer> epochsOfAttempt(ApiClient api, UUID jobId, int attempt) {
        List<Integer> epochs = new ArrayList<>();
        int currentAttempt = 0;
        for (JsonNode event : api.get("/v1/jobs/" + jobId + "/events", "Accept", "application/json").json()) {
            String type = event.get("type").asString();
            if (type.equals("status") && event.at("/data/status").asString().equals("RUNNING")) {
                currentAttempt = event.at("/data/attempt").asInt();
            } else if (type.equals("epoch") && currentAttempt == attempt) {
                epochs.add(event.at("/data/epoch").asInt());
            }
        }
        return epochs;
    }

    private void awaitNoCheckpointsLeft(UUID jobId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (jdbc.sql("SELECT count(*) FROM job_checkpoints WHERE job_id = ?").param(jobId).query(Long.class)
                .single() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM job_checkpoints WHERE job_id = ?").param(jobId).query(Long.class)
                .single()).as("checkpoints removed once the job succeeded").isZero();
    }
}
