package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestArchives;
import io.condenser.testing.TestModels;
import io.condenser.testing.TestS3;
import io.condenser.testing.TestWorkers;
import io.condenser.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/**
 * The service with its artifacts in S3, configured as in production (credentials from the SDK's default chain): a
 * model with external data is uploaded in parts, quantized by a worker that needs the model and its data file side by
 * side, and the result is downloaded from the bucket through the service.
 */
@TestPropertySource(properties = {"condenser.storage.type=s3", "condenser.storage.s3.region=us-east-1",
        "condenser.storage.s3.path-style=true", "condenser.storage.s3.prefix=condenser",
        "condenser.storage.s3.part-size=5MB"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class S3StorageEndToEndTest extends IntegrationTestSupport {

    private static final TestS3 S3 = TestS3.shared();
    private static final String BUCKET = S3.newBucket();

    @Autowired
    ApplicationContext context;

    @TempDir
    Path dir;

    @DynamicPropertySource
    static void bucket(DynamicPropertyRegistry registry) {
        registry.add("condenser.storage.s3.endpoint", () -> S3.endpoint().toString());
        registry.add("condenser.storage.s3.bucket", () -> BUCKET);
    }

    @Test
    void aModelWithExternalDataIsStoredInTheBucketQuantizedByAWorkerAndItsResultDownloaded() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("original"));
        Path modelFile = folder.resolve("wide.onnx");
        // About 5.8 MB of weights: more than one 5 MB part.
        byte[] archive = TestArchives.withExternalData(TestModels.mlp(1024, 1400, 10, 3), modelFile, "");

        ApiClient.Response upload = api().uploadModel("wide.zip", archive);

        assertThat(upload.status()).as(upload.text()).isEqualTo(201);
        String modelId = upload.json().get("id").asString();
        assertThat(keysInBucket()).contains("condenser/models/" + modelId + "/archive",
                "condenser/models/" + modelId + "/files/wide.onnx",
                "condenser/models/" + modelId + "/files/wide.onnx.data").noneMatch(key -> key.contains("/uploads/"));
        assertThat(S3.client().listMultipartUploads(request -> request.bucket(BUCKET)).uploads()).isEmpty();
        assertThat(storageRoot().resolve("models").resolve(modelId)).as("not on the filesystem").doesNotExist();

        // Other test classes share the database and may have left queued jobs for this worker to take first.
        jdbc.sql("DELETE FROM jobs").update();
        Worker worker = TestWorkers.start(context, Duration.ofSeconds(60), Duration.ofSeconds(10), 1,
                Duration.ofSeconds(1));
        JsonNode job;
        try {
            ApiClient.Response submitted = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                    "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                    "evaluation", Map.of("samples", 16, "batchSize", 4, "latencyRuns", 3)));
            assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
            job = api().awaitJob(submitted.header("Location"), Duration.ofSeconds(120), "SUCCEEDED", "FAILED");
        } finally {
            worker.stop();
        }

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        String resultId = job.get("resultModelId").asString();
        assertThat(keysInBucket()).contains("condenser/models/" + resultId + "/model.onnx");
        ApiClient.Response download = api().get("/v1/models/" + resultId + "/content");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.header("ETag")).isEqualTo("\"" + sha256(download.body()) + "\"");
        assertThat(download.body().length).isEqualTo(job.at("/metrics/result/fileSizeBytes").asLong());
        Path result = Files.write(dir.resolve("result.onnx"), download.body());
        assertThat(new ModelComparison(RuntimeSettings.cpu(1)).compare(modelFile, result,
                new EvaluationSettings(32, 8, 1, 0, Map.of(), 7), TaskMonitor.NONE).fidelity().cosineMin())
                .isGreaterThan(0.99);

        ApiClient.Response range = api().get("/v1/models/" + resultId + "/content", "Range", "bytes=100-199");
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(download.body(), 100, 200));
        assertThat(api().get("/v1/models/" + modelId + "/content").body()).as("the upload, as it came")
                .isEqualTo(archive);

        assertThat(api().delete("/v1/models/" + resultId).status()).isEqualTo(204);
        assertThat(keysInBucket()).noneMatch(key -> key.contains(resultId));
    }

    @Test
    void readinessFollowsTheBucket() {
        assertThat(artifactStoreHealth()).isEqualTo("UP");

        S3.deleteBucket(BUCKET);
        try {
            ApiClient.Response readiness = api().get("/actuator/health/readiness");
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(readiness.json().at("/components/artifactStore/status").asString()).isEqualTo("DOWN");
        } finally {
            S3.client().createBucket(request -> request.bucket(BUCKET));
        }

        assertThat(artifactStoreHealth()).isEqualTo("UP");
    }

    private String artifactStoreHealth() {
        return api().get("/actuator/health/readiness").json().at("/components/artifactStore/status").asString();
    }

    private static List<String> keysInBucket() {
        return S3.client().listObjectsV2Paginator(request -> request.bucket(BUCKET)).contents().stream()
                .map(S3Object::key).toList();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
