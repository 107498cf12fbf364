package io.condenser.api;

import static io.condenser.testing.TestArchives.zip;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.condenser.engine.eval.DjlSettings;
import io.condenser.engine.eval.ExecutionDevice;
import io.condenser.engine.train.TorchScriptModel;
import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import io.condenser.testing.TorchScriptTestModels;
import io.condenser.testing.TorchScriptTestModels.MlpWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * TorchScript models through the API with a worker: uploaded and inspected with libtorch, fine-tuned as TorchScript,
 * evaluated on libtorch, and refused for every step that needs an ONNX graph.
 */
@TestPropertySource(properties = "condenser.worker.enabled=true")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TorchScriptModelsEndToEndTest extends IntegrationTestSupport {

    private static final int FEATURES = 16;
    private static final int HIDDEN = 32;
    private static final int CLASSES = 3;
    private static final int SAMPLES = 300;

    @TempDir
    Path dir;

    @Test
    void aTorchScriptFileIsStoredAsTorchScriptInspectedAndDownloadedAsUploaded() {
        byte[] file = mlp();
        ApiClient.Response upload = api().uploadModel("mlp.pt", file);

        assertThat(upload.status()).as(upload.text()).isEqualTo(201);
        JsonNode model = api().get("/v1/models/" + upload.json().get("id").asString()).json();
        assertThat(model.get("format").asString()).isEqualTo("TORCHSCRIPT");
        assertThat(model.at("/inspection/parameterCount").asLong())
                .isEqualTo(FEATURES * HIDDEN + HIDDEN + HIDDEN * CLASSES + CLASSES);
        assertThat(model.at("/inspection/initializerBytes").asLong()).isEqualTo(4L
                * (FEATURES * HIDDEN + HIDDEN + HIDDEN * CLASSES + CLASSES));
        assertThat(model.at("/inspection/parameterNames")).extracting(JsonNode::asString)
                .containsExactly("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
        ApiClient.Response download = api().get("/v1/models/" + model.get("id").asString() + "/content");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(file);
        assertThat(download.header("Content-Disposition")).contains(".pt");
    }

    @Test
    void aTorchScriptFileLibtorchCannotLoadIsRefusedWithoutTrace() throws IOException {
        byte[] garbled = zip(Map.of("mlp/data.pkl", new byte[16], "mlp/version", "3\n".getBytes()));
        ApiClient.Response refused = assertUploadRefusedWithoutTrace(() -> api().uploadModel("broken.pt", garbled),
                422, "invalid-model", "models");
        assertThat(refused.json().get("detail").asString()).contains("not a valid TorchScript model");
    }

    @Test
    void stepsThatNeedAnOnnxGraphAndAMissingEvaluationDatasetAreRefusedAtSubmit() {
        ApiClient api = api();
        String modelId = api.uploadModel("mlp.pt", mlp()).json().get("id").asString();
        String datasetId = uploadSeparableDataset(api);

        ApiClient.Response quantize = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("datasetId", datasetId)));
        assertThat(quantize.status()).as(quantize.text()).isEqualTo(422);
        assertThat(quantize.json().get("type").asString()).endsWith("/method-not-applicable");
        assertThat(quantize.json().at("/errors/0/field").asString()).isEqualTo("steps[0]");
        assertThat(quantize.json().at("/errors/0/message").asString()).contains("needs an ONNX model")
                .contains("torch.onnx.export");

        ApiClient.Response unevaluated = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "finetune", "datasetId", datasetId))));
        assertThat(unevaluated.status()).as(unevaluated.text()).isEqualTo(422);
        assertThat(unevaluated.json().at("/errors/0/field").asString()).isEqualTo("evaluation.datasetId");
    }

    @Test
    void finetuneTrainsTheTorchScriptModelAndTheResultIsTorchScriptWithTheMeasuredAccuracy() throws IOException {
        ApiClient api = api();
        String modelId = api.uploadModel("mlp.pt", mlp()).json().get("id").asString();
        float[] x = TestModels.gaussian(new SplittableRandom(11), SAMPLES * FEATURES, 1.0);
        long[] y = TestDatasets.largestFeatureLabels(x, FEATURES, CLASSES);
        String datasetId = api.upload("/v1/datasets", "data.npz", TestDatasets.labelled(x, FEATURES, y, true),
                Map.of()).json().get("id").asString();

        ApiClient.Response submitted = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "finetune", "datasetId", datasetId, "epochs", 8,
                        "learningRate", 0.05, "validationFraction", 0)),
                "evaluation", Map.of("datasetId", datasetId, "batchSize", 50, "latencyRuns", 3)));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        JsonNode job = api.awaitJob(submitted.header("Location"), Duration.ofSeconds(180), "SUCCEEDED", "FAILED",
                "CANCELLED");

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode metrics = job.get("metrics");
        double before = metrics.at("/original/accuracy/top1").asDouble();
        double after = metrics.at("/result/accuracy/top1").asDouble();
        assertThat(after).as(metrics.toString()).isGreaterThanOrEqualTo(0.85).isGreaterThan(before + 0.3);
        assertThat(metrics.at("/fidelity").isMissingNode()).as(metrics.toString()).isFalse();
        assertThat(metrics.at("/steps/0/counters/epochsRun").asInt()).isEqualTo(8);
        List<Integer> epochs = new ArrayList<>();
        api.get("/v1/jobs/" + job.get("id").asString() + "/events", "Accept", "application/json").json()
                .forEach(e -> {
                    if (e.get("type").asString().equals("epoch")) {
                        epochs.add(e.at("/data/epoch").asInt());
                    }
                });
        assertThat(epochs).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);

        String resultId = job.get("resultModelId").asString();
        JsonNode result = api.get("/v1/models/" + resultId).json();
        assertThat(result.get("format").asString()).isEqualTo("TORCHSCRIPT");
        assertThat(result.get("parentModelId").asString()).isEqualTo(modelId);
        assertThat(result.at("/inspection/parameterCount")).isEqualTo(
                api.get("/v1/models/" + modelId).json().at("/inspection/parameterCount"));
        Path downloaded = dir.resolve("result.pt");
        Files.write(downloaded, api.get("/v1/models/" + resultId + "/content").body());
        assertThat(accuracy(downloaded, x, y)).isEqualTo(after);
    }

    private static byte[] mlp() {
        return TorchScriptTestModels.mlp("mlp", MlpWeights.random(FEATURES, HIDDEN, CLASSES, 3));
    }

    private static String uploadSeparableDataset(ApiClient api) {
        float[] x = TestModels.gaussian(new SplittableRandom(11), SAMPLES * FEATURES, 1.0);
        long[] y = TestDatasets.largestFeatureLabels(x, FEATURES, CLASSES);
        return api.upload("/v1/datasets", "data.npz", TestDatasets.labelled(x, FEATURES, y, true), Map.of()).json()
                .get("id").asString();
    }

    /** Top-1 accuracy of a TorchScript file loaded again with DJL. */
    private static double accuracy(Path file, float[] x, long[] y) throws IOException {
        DjlSettings.apply();
        try (TorchScriptModel model = TorchScriptModel.load(file, ExecutionDevice.CPU);
             NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray input = manager.create(x, new Shape(SAMPLES, FEATURES));
            long[] predicted = model.block().forward(new ParameterStore(manager, false), new NDList(input), false)
                    .head().argMax(1).toLongArray();
            long correct = 0;
            for (int i = 0; i < SAMPLES; i++) {
                correct += predicted[i] == y[i] ? 1 : 0;
            }
            return (double) correct / SAMPLES;
        }
    }
}
