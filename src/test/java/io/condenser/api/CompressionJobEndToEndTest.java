package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.Predictions;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestArchives;
import io.condenser.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The service as deployed by default (API and worker in one process): upload a model, quantize it through the queue,
 * download the result and run it in ONNX Runtime next to the original.
 */
@TestPropertySource(properties = "condenser.worker.enabled=true")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CompressionJobEndToEndTest extends IntegrationTestSupport {

    @TempDir
    Path dir;

    @Test
    void uploadQuantizeDownloadAndRunTheResult() throws Exception {
        ApiClient api = api();
        byte[] original = Files.readAllBytes(TestModels.write(TestModels.mlp(256, 128, 10, 11),
                dir.resolve("mlp.onnx")));

        ApiClient.Response upload = api.upload("/v1/models", "mlp.onnx", original, Map.of("name", "tiny-mlp"));
        assertThat(upload.status()).as(upload.text()).isEqualTo(201);
        JsonNode model = upload.json();
        String modelId = model.get("id").asString();
        assertThat(upload.header("Location")).isEqualTo("/v1/models/" + modelId);
        assertThat(model.get("name").asString()).isEqualTo("tiny-mlp");
        assertThat(model.get("sha256").asString()).isEqualTo(sha256(original));
        assertThat(model.get("sizeBytes").asLong()).isEqualTo(original.length);
        assertThat(model.at("/inspection/operators/Gemm").asInt()).isEqualTo(2);
        assertThat(model.at("/inspection/inputs/0/shape").toString()).isEqualTo("[\"batch\",\"256\"]");

        ApiClient.Response submitted = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic", "weightType", "int8",
                        "perChannel", true)),
                "evaluation", Map.of("samples", 32, "batchSize", 8, "latencyRuns", 5)));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        String location = submitted.header("Location");
        assertThat(submitted.json().get("status").asString()).isIn("QUEUED", "RUNNING", "SUCCEEDED");

        JsonNode job = api.awaitJob(location, Duration.ofSeconds(90), "SUCCEEDED", "FAILED", "CANCELLED");
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(job.get("workerDevice").asString()).isEqualTo("cpu");
        assertThat(job.at("/spec/steps/0/embeddings").asBoolean()).as("defaults are filled in").isTrue();

        JsonNode metrics = job.get("metrics");
        long originalSize = metrics.at("/original/fileSizeBytes").asLong();
        long resultSize = metrics.at("/result/fileSizeBytes").asLong();
        assertThat(originalSize).isEqualTo(original.length);
        assertThat((double) resultSize / originalSize).isLessThan(0.3);
        assertThat(metrics.at("/fidelity/cosineMin").asDouble()).isGreaterThan(0.99);
        assertThat(metrics.at("/fidelity/top1Agreement").asDouble()).isGreaterThan(0.9);
        assertThat(metrics.at("/fidelity/samples").asInt()).isEqualTo(32);
        assertThat(metrics.at("/result/latency")).hasSize(2);
        assertThat(metrics.at("/result/latency/0/batchSize").asInt()).isEqualTo(1);
        assertThat(metrics.at("/result/latency/1/batchSize").asInt()).isEqualTo(8);
        assertThat(metrics.at("/original/latency/0/medianMs").asDouble()).isPositive();
        assertThat(metrics.at("/steps/0/type").asString()).isEqualTo("quantize/dynamic");
        assertThat(metrics.at("/steps/0/counters/quantizedNodes").asDouble()).isEqualTo(2.0);
        assertThat(metrics.get("wallTimeMs").asDouble()).isPositive();
        assertThat(jdbc.sql("SELECT count(*) FROM job_metrics WHERE job_id = ?::uuid")
                .param(job.get("id").asString()).query(Long.class).single()).isGreaterThan(20);

        String resultId = job.get("resultModelId").asString();
        JsonNode result = api.get("/v1/models/" + resultId).json();
        assertThat(result.get("parentModelId").asString()).isEqualTo(modelId);
        assertThat(result.get("sourceJobId").asString()).isEqualTo(job.get("id").asString());
        assertThat(result.at("/inspection/operators/MatMulInteger").asInt()).isEqualTo(2);

        ApiClient.Response download = api.get("/v1/models/" + resultId + "/content");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.header("ETag")).isEqualTo("\"" + sha256(download.body()) + "\"");
        assertThat(download.body().length).isEqualTo(resultSize);
        Path downloaded = Files.write(dir.resolve("downloaded.onnx"), download.body());
        Path originalFile = Files.write(dir.resolve("original.onnx"), original);
        FidelityReport fidelity = new ModelComparison(RuntimeSettings.cpu(1)).compare(originalFile, downloaded,
                new EvaluationSettings(64, 16, 1, 0, Map.of(), 99), TaskMonitor.NONE).fidelity();
        assertThat(fidelity.cosineMin()).isGreaterThan(0.99);
        assertThat(OnnxModelFiles.read(downloaded).getGraph().getNodeList())
                .anyMatch(n -> n.getOpType().equals("DynamicQuantizeLinear"));

        String scrape = api.get("/actuator/prometheus").text();
        assertThat(scrape).containsPattern("condenser_job_duration_seconds_count\\{[^}]*method=\"quantize/dynamic\""
                + "[^}]*outcome=\"succeeded\"[^}]*\\} [1-9]");
        assertThat(scrape).containsPattern("condenser_worker_slots\\{[^}]*\\} 1");

        ApiClient.Response notModified = api.get("/v1/models/" + resultId + "/content",
                "If-None-Match", download.header("ETag"));
        assertThat(notModified.status()).isEqualTo(304);
        ApiClient.Response range = api.get("/v1/models/" + resultId + "/content", "Range", "bytes=10-19");
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).containsExactly(java.util.Arrays.copyOfRange(download.body(), 10, 20));
    }

    @Test
    void aJobEvaluatedOnALabelledDatasetReportsAccuracyBeforeAndAfter() throws Exception {
        ApiClient api = api();
        Path modelFile = TestModels.write(TestModels.mlp(64, 64, 10, 21), dir.resolve("classifier.onnx"));
        int samples = 300;
        float[] x = TestModels.gaussian(new SplittableRandom(4), samples * 64, 1.0);
        long[] labels = Predictions.of(modelFile, x, samples, 64);
        String datasetId = api.upload("/v1/datasets", "eval.npz", TestDatasets.labelled(x, 64, labels, true),
                Map.of()).json().get("id").asString();
        String modelId = api.uploadModel("classifier.onnx", Files.readAllBytes(modelFile)).json().get("id")
                .asString();

        String location = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("datasetId", datasetId, "batchSize", 64, "latencyRuns", 3))).header("Location");
        JsonNode job = api.awaitJob(location, Duration.ofSeconds(90), "SUCCEEDED", "FAILED", "CANCELLED");

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode metrics = job.get("metrics");
        assertThat(metrics.at("/original/accuracy/samples").asLong()).isEqualTo(samples);
        assertThat(metrics.at("/original/accuracy/top1").asDouble()).as("labels are its own predictions")
                .isEqualTo(1.0);
        assertThat(metrics.at("/original/accuracy/top5").asDouble()).isEqualTo(1.0);
        assertThat(metrics.at("/result/accuracy/top1").asDouble()).isBetween(0.9, 1.0);
        assertThat(metrics.at("/result/accuracy/top1").asDouble())
                .isEqualTo(metrics.at("/fidelity/top1Agreement").asDouble(), offset(1e-9));
        assertThat(metrics.at("/fidelity/samples").asInt()).isEqualTo(samples);
        assertThat(metrics.at("/result/latency/1/batchSize").asInt()).isEqualTo(64);
    }

    @Test
    void aModelUploadedWithExternalDataIsQuantizedIntoOneFile() throws Exception {
        ApiClient api = api();
        Path folder = Files.createDirectories(dir.resolve("external"));
        Path modelFile = folder.resolve("mlp.onnx");
        byte[] archive = TestArchives.withExternalData(TestModels.mlp(128, 64, 10, 13), modelFile, "");
        String modelId = api.uploadModel("mlp.zip", archive).json().get("id").asString();

        String location = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("samples", 16, "latencyRuns", 3))).header("Location");
        JsonNode job = api.awaitJob(location, Duration.ofSeconds(90), "SUCCEEDED", "FAILED", "CANCELLED");

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.at("/metrics/original/fileSizeBytes").asLong()).as("the model file and its data file")
                .isEqualTo(Files.size(modelFile) + Files.size(OnnxModelFiles.dataFileOf(modelFile)));
        assertThat(job.at("/metrics/fidelity/cosineMin").asDouble()).isGreaterThan(0.99);
        ApiClient.Response result = api.get("/v1/models/" + job.get("resultModelId").asString() + "/content");
        assertThat(OnnxModelFiles.read(Files.write(dir.resolve("result.onnx"), result.body())).getGraph()
                .getInitializerList()).noneMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
    }

    @Test
    void aStepLeftWithNothingToDoByTheStepsBeforeItFailsTheJobSayingWhy() throws Exception {
        ApiClient api = api();
        String modelId = api.uploadModel("mlp.onnx", TestModels.mlp(32, 16, 4, 17).toByteArray()).json().get("id")
                .asString();
        String location = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic"),
                        Map.of("type", "quantize", "mode", "weight-only")),
                "evaluation", Map.of("samples", 8, "latencyRuns", 3))).header("Location");
        JsonNode job = api.awaitJob(location, Duration.ofSeconds(60), "SUCCEEDED", "FAILED", "CANCELLED");

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.at("/error/type").asString()).endsWith("/method-not-applicable");
        assertThat(job.at("/error/detail").asString()).contains("steps[1]").contains("quantize/weight-only");
        assertThat(job.hasNonNull("resultModelId")).isFalse();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
