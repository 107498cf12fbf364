package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The training steps through the API with a worker: a randomly initialized MLP learns labels it does not predict
 * before, every epoch is an event of the job, and what cannot be trained is refused before the job is queued.
 */
@TestPropertySource(properties = "condenser.worker.enabled=true")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TrainingStepsEndToEndTest extends IntegrationTestSupport {

    private static final int FEATURES = 16;
    private static final int CLASSES = 3;
    private static final int SAMPLES = 300;

    @Test
    void finetuneLearnsTheDatasetsLabelsAndReportsEveryEpoch() {
        ApiClient api = api();
        String modelId = uploadMlp(api);
        String datasetId = uploadSeparableDataset(api, true);

        JsonNode job = runToSuccess(api, modelId, datasetId, Map.of("type", "finetune", "datasetId", datasetId,
                "epochs", 8, "learningRate", 0.05, "validationFraction", 0));
        JsonNode metrics = job.get("metrics");
        double before = metrics.at("/original/accuracy/top1").asDouble();
        double after = metrics.at("/result/accuracy/top1").asDouble();
        assertThat(after).as(metrics.toString()).isGreaterThanOrEqualTo(0.85).isGreaterThan(before + 0.3);
        assertThat(metrics.at("/steps/0/type").asString()).isEqualTo("finetune");
        assertThat(counter(metrics, "epochsRun")).isEqualTo(8);
        assertThat(counter(metrics, "resumedAfterEpoch")).isZero();

        JsonNode result = api.get("/v1/models/" + job.get("resultModelId").asString()).json();
        JsonNode original = api.get("/v1/models/" + modelId).json();
        assertThat(result.at("/inspection/operators")).isEqualTo(original.at("/inspection/operators"));
        assertThat(result.at("/inspection/parameterCount")).isEqualTo(original.at("/inspection/parameterCount"));

        List<JsonNode> epochs = events(api, job.get("id").asString(), "epoch");
        assertThat(epochs).extracting(e -> e.at("/data/epoch").asInt()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(epochs.getLast().at("/data/trainLoss").asDouble())
                .isLessThan(epochs.getFirst().at("/data/trainLoss").asDouble());
        assertThat(epochs.getFirst().at("/data/stepType").asString()).isEqualTo("finetune");
    }

    @Test
    void withAHeldOutSplitFinetuneMeasuresTheStartingWeightsAndHandsBackTheBestEpoch() {
        ApiClient api = api();
        String modelId = uploadMlp(api);
        String datasetId = uploadSeparableDataset(api, true);

        JsonNode job = runToSuccess(api, modelId, datasetId, Map.of("type", "finetune", "datasetId", datasetId,
                "epochs", 6, "learningRate", 0.05, "validationFraction", 0.2));
        JsonNode metrics = job.get("metrics");
        List<JsonNode> epochs = events(api, job.get("id").asString(), "epoch");
        assertThat(epochs.getFirst().at("/data/epoch").asInt()).as("the starting weights, measured").isZero();
        int kept = (int) counter(metrics, "keptEpoch");
        double keptAccuracy = epochs.stream().filter(e -> e.at("/data/epoch").asInt() == kept).findFirst()
                .orElseThrow().at("/data/validationAccuracy").asDouble();
        assertThat(epochs).allSatisfy(e -> assertThat(e.at("/data/validationAccuracy").asDouble())
                .isLessThanOrEqualTo(keptAccuracy));
        assertThat(metrics.at("/result/accuracy/top1").asDouble())
                .isGreaterThan(metrics.at("/original/accuracy/top1").asDouble());
    }

    @Test
    void quantizationAwareTrainingExportsInt8AndReportsItNextToPostTrainingQuantization() {
        ApiClient api = api();
        String modelId = uploadMlp(api);
        String datasetId = uploadSeparableDataset(api, true);

        JsonNode job = runToSuccess(api, modelId, datasetId, Map.of("type", "quantize", "mode", "qat",
                "datasetId", datasetId, "epochs", 8, "learningRate", 0.05, "validationFraction", 0));
        JsonNode metrics = job.get("metrics");
        // The untrained model quantized after the fact keeps its chance-level accuracy; trained, it learns the labels.
        assertThat(counter(metrics, "qatTop1")).as(metrics.toString()).isGreaterThanOrEqualTo(0.85)
                .isGreaterThan(counter(metrics, "ptqTop1") + 0.3);
        assertThat(metrics.at("/result/accuracy/top1").asDouble()).isEqualTo(counter(metrics, "qatTop1"));
        assertThat(counter(metrics, "rangesFromTraining")).isPositive();
        JsonNode operators = api.get("/v1/models/" + job.get("resultModelId").asString()).json()
                .at("/inspection/operators");
        assertThat(operators.get("QuantizeLinear").asInt()).isPositive();
        assertThat(operators.get("DequantizeLinear").asInt()).isPositive();
        assertThat(events(api, job.get("id").asString(), "epoch")).hasSize(8);
    }

    @Test
    void aDatasetWithoutLabelsIsRefusedBeforeTheJobIsQueued() {
        ApiClient api = api();
        String modelId = uploadMlp(api);
        String datasetId = uploadSeparableDataset(api, false);

        ApiClient.Response refused = api.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "finetune", "datasetId", datasetId))));

        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.text()).contains("no labels");
    }

    @Test
    void unknownTrainingParametersAreNamed() {
        ApiClient.Response refused = api().postJson("/v1/jobs", Map.of("modelId", java.util.UUID.randomUUID(),
                "steps", List.of(Map.of("type", "finetune", "datasetId", java.util.UUID.randomUUID(),
                        "optimiser", "sgd"))));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/errors/0/field").asString()).isEqualTo("steps[0].optimiser");
    }

    private static String uploadMlp(ApiClient api) {
        return api.uploadModel("mlp.onnx", TestModels.mlp(FEATURES, 32, CLASSES, 3).toByteArray()).json()
                .get("id").asString();
    }

    /** Runs one step on the model, evaluated on the dataset, and expects the job to succeed. */
    private static JsonNode runToSuccess(ApiClient api, String modelId, String datasetId, Map<String, Object> step) {
        ApiClient.Response submitted = api.postJson("/v1/jobs", Map.of("modelId", modelId, "steps", List.of(step),
                "evaluation", Map.of("datasetId", datasetId, "batchSize", 50, "latencyRuns", 3)));
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        JsonNode job = api.awaitJob(submitted.header("Location"), Duration.ofSeconds(180), "SUCCEEDED", "FAILED",
                "CANCELLED");
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }

    /** Labels a random MLP does not know: the class is the largest of the first three features. */
    private static String uploadSeparableDataset(ApiClient api, boolean labelled) {
        float[] x = TestModels.gaussian(new SplittableRandom(11), SAMPLES * FEATURES, 1.0);
        long[] y = TestDatasets.largestFeatureLabels(x, FEATURES, CLASSES);
        byte[] content = labelled ? TestDatasets.labelled(x, FEATURES, y, true)
                : TestDatasets.npz(Map.of("x", TestDatasets.xArray(x, SAMPLES, FEATURES)), true);
        return api.upload("/v1/datasets", "data.npz", content, Map.of()).json().get("id").asString();
    }

    private static double counter(JsonNode metrics, String name) {
        return metrics.at("/steps/0/counters/" + name).asDouble();
    }

    private static List<JsonNode> events(ApiClient api, String jobId, String type) {
        JsonNode all = api.get("/v1/jobs/" + jobId + "/events", "Accept", "application/json").json();
        List<JsonNode> found = new ArrayList<>();
        all.forEach(e -> {
            if (e.get("type").asString().equals(type)) {
                found.add(e);
            }
        });
        return found;
    }
}
