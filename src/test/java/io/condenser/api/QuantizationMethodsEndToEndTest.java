package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.ComparisonReport;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.testing.ApiClient;
import io.condenser.testing.ConvTestModels;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.Predictions;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every quantization method as a job step through the API, with a worker: a CNN with batch norms and an MLP, a labelled
 * dataset for calibration and accuracy, and the downloaded result run in ONNX Runtime next to the original.
 */
@TestPropertySource(properties = "condenser.worker.enabled=true")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class QuantizationMethodsEndToEndTest extends IntegrationTestSupport {

    private static final int SAMPLES = 200;
    private static final int CNN_FEATURES = ConvTestModels.CHANNELS * ConvTestModels.SIDE * ConvTestModels.SIDE;
    private static final int MLP_FEATURES = 64;

    @TempDir
    Path dir;

    /**
     * @param cnn        whether the case runs on the CNN (else the MLP)
     * @param minTop1    the result's least accuracy on labels that are the original's own predictions
     * @param maxSize    the result's largest size as a share of the original's (graph overhead weighs on models this
     *                   small; the corpus benchmark measures real ratios)
     * @param resultOps  what the result's inspection must show
     */
    record Case(String name, boolean cnn, Map<String, Object> step, double minTop1, double maxSize,
                Consumer<JsonNode> resultOps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("dynamic int8 with Conv", true, Map.of("type", "quantize", "mode", "dynamic",
                        "convolutions", true), 0.85, 0.7,
                        ops -> assertThat(ops.has("ConvInteger")).isTrue()),
                new Case("static minmax", true, staticStep("minmax"), 0.85, 0.65, QuantizationMethodsEndToEndTest::qdq),
                new Case("static percentile", true, staticStep("percentile"), 0.85, 0.65,
                        QuantizationMethodsEndToEndTest::qdq),
                new Case("static entropy", true, staticStep("entropy"), 0.85, 0.65,
                        QuantizationMethodsEndToEndTest::qdq),
                new Case("fold batchnorm", true, Map.of("type", "fold", "method", "batchnorm"), 0.99, 1.0,
                        ops -> assertThat(ops.has("BatchNormalization")).isFalse()),
                new Case("fp16", true, Map.of("type", "quantize", "mode", "fp16"), 0.97, 0.75,
                        ops -> assertThat(ops.has("Cast")).isTrue()),
                new Case("weight-only int4", false, Map.of("type", "quantize", "mode", "weight-only"), 0.8, 0.25,
                        ops -> assertThat(ops.get("DequantizeLinear").asInt()).isEqualTo(2)),
                new Case("weight-only int8 per channel", false, Map.of("type", "quantize", "mode", "weight-only",
                        "weightType", "int8", "blockSize", 0), 0.9, 0.35,
                        ops -> assertThat(ops.get("DequantizeLinear").asInt()).isEqualTo(2)),
                new Case("ternary", false, Map.of("type", "quantize", "mode", "ternary"), 0.0, 0.2,
                        ops -> assertThat(ops.get("DequantizeLinear").asInt()).isEqualTo(2)),
                new Case("binary", false, Map.of("type", "quantize", "mode", "binary"), 0.0, 0.2,
                        ops -> assertThat(ops.get("DequantizeLinear").asInt()).isEqualTo(2)));
    }

    private static Map<String, Object> staticStep(String method) {
        return Map.of("type", "quantize", "mode", "static",
                "calibration", Map.of("datasetId", "${dataset}", "method", method, "samples", 64));
    }

    private static void qdq(JsonNode ops) {
        assertThat(ops.has("QuantizeLinear")).isTrue();
        assertThat(ops.has("BatchNormalization")).as("folded before quantizing").isFalse();
        assertThat(ops.has("Relu")).as("absorbed by the quantized outputs").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachMethodRunsAsAJobStepAndItsResultRunsInOnnxRuntime(Case c) throws Exception {
        ApiClient api = api();
        ModelProto model = c.cnn() ? ConvTestModels.cnn(17, 5) : TestModels.mlp(MLP_FEATURES, 64, 10, 5);
        Path modelFile = TestModels.write(model, dir.resolve("model.onnx"));
        int features = c.cnn() ? CNN_FEATURES : MLP_FEATURES;
        float[] x = TestModels.gaussian(new SplittableRandom(8), SAMPLES * features, 1.0);
        long[] shape = c.cnn() ? new long[] {SAMPLES, ConvTestModels.CHANNELS, ConvTestModels.SIDE,
                ConvTestModels.SIDE} : new long[] {SAMPLES, MLP_FEATURES};
        long[] labels = Predictions.of(modelFile, c.cnn() ? "image" : "input", shape, x);
        String datasetId = api.upload("/v1/datasets", "data.npz", TestDatasets.labelled(x, features, labels, true),
                Map.of()).json().get("id").asString();
        String modelId = api.uploadModel("model.onnx", Files.readAllBytes(modelFile)).json().get("id").asString();

        Map<String, Object> step = withDataset(c.step(), datasetId);
        ApiClient.Response submitted = api.postJson("/v1/jobs", Map.of("modelId", modelId, "steps", List.of(step),
                "evaluation", Map.of("datasetId", datasetId, "batchSize", 50, "latencyRuns", 3)));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        JsonNode job = api.awaitJob(submitted.header("Location"), Duration.ofSeconds(120), "SUCCEEDED", "FAILED",
                "CANCELLED");

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode metrics = job.get("metrics");
        assertThat(metrics.at("/original/accuracy/top1").asDouble()).isEqualTo(1.0);
        assertThat(metrics.at("/result/accuracy/top1").asDouble()).as(metrics.toString())
                .isGreaterThanOrEqualTo(c.minTop1());
        assertThat(metrics.at("/result/accuracy/samples").asLong()).isEqualTo(SAMPLES);
        assertThat(metrics.at("/result/fileSizeBytes").asDouble() / metrics.at("/original/fileSizeBytes").asDouble())
                .isLessThanOrEqualTo(c.maxSize());
        assertThat(metrics.at("/steps/0/counters")).isNotEmpty();
        String resultId = job.get("resultModelId").asString();
        c.resultOps().accept(api.get("/v1/models/" + resultId).json().at("/inspection/operators"));

        Path result = Files.write(dir.resolve("result.onnx"), api.get("/v1/models/" + resultId + "/content").body());
        Path data = Files.write(dir.resolve("data.npz"), api.get("/v1/datasets/" + datasetId + "/content").body());
        ComparisonReport local = new ModelComparison(RuntimeSettings.cpu(1)).compare(modelFile, result,
                new EvaluationSettings(EvaluationSettings.ALL_SAMPLES, 50, 1, 0, Map.of(), 1).withDataset(data, null),
                TaskMonitor.NONE);
        assertThat(local.candidate().accuracy().top1()).as("the downloaded result runs as the job measured it")
                .isEqualTo(metrics.at("/result/accuracy/top1").asDouble());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withDataset(Map<String, Object> step, String datasetId) {
        Map<String, Object> filled = new LinkedHashMap<>();
        step.forEach((key, value) -> filled.put(key, value instanceof Map<?, ?> nested
                ? withDataset((Map<String, Object>) nested, datasetId)
                : "${dataset}".equals(value) ? datasetId : value));
        return filled;
    }
}
