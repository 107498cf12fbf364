package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Job submission, validation and cancellation, with no worker running: submitted jobs stay queued. */
class JobApiTest extends IntegrationTestSupport {

    private String modelId;

    @BeforeEach
    void uploadModel() {
        modelId = upload(TestModels.mlp(16, 8, 4, 1));
    }

    @Test
    void aValidSpecIsQueuedWithItsDefaultsFilledIn() {
        ApiClient.Response response = api().postJson("/v1/jobs", spec(Map.of("type", "quantize", "mode", "dynamic")));

        assertThat(response.status()).as(response.text()).isEqualTo(202);
        JsonNode job = response.json();
        assertThat(job.get("status").asString()).isEqualTo("QUEUED");
        assertThat(job.get("device").asString()).isEqualTo("auto");
        assertThat(job.get("attempts").asInt()).isZero();
        assertThat(job.at("/spec/steps/0/weightType").asString()).isEqualTo("int8");
        assertThat(job.at("/spec/steps/0/perChannel").asBoolean()).isTrue();
        assertThat(job.at("/spec/evaluation/samples").asInt()).isEqualTo(64);
        assertThat(response.header("Location")).isEqualTo("/v1/jobs/" + job.get("id").asString());
        assertThat(api().get("/v1/jobs/" + job.get("id").asString()).json().get("status").asString())
                .isEqualTo("QUEUED");
        JsonNode listed = api().get("/v1/jobs?status=QUEUED&modelId=" + modelId).json();
        assertThat(listed.get("items")).anyMatch(j -> j.get("id").asString().equals(job.get("id").asString()));
    }

    @Test
    void anUnknownStepTypeIsRefusedNamingTheField() {
        assertInvalid(spec(Map.of("type", "compress")), 400, "invalid-job-spec", "steps[0].type");
    }

    @Test
    void anUnknownModeIsRefusedNamingTheField() {
        assertInvalid(spec(Map.of("type", "quantize", "mode", "magic")), 400, "invalid-job-spec", "steps[0].mode");
    }

    @Test
    void aBadParameterValueIsRefusedNamingTheField() {
        assertInvalid(spec(Map.of("type", "quantize", "mode", "dynamic", "weightType", "int3")), 400,
                "invalid-job-spec", "steps[0].weightType");
        assertInvalid(spec(Map.of("type", "quantize", "mode", "dynamic", "perChannel", "yes")), 400,
                "invalid-job-spec", "steps[0].perChannel");
    }

    @Test
    void anUnknownParameterIsRefusedNamingTheField() {
        assertInvalid(spec(Map.of("type", "quantize", "mode", "dynamic", "bits", 3)), 400, "invalid-job-spec",
                "steps[0].bits");
    }

    @Test
    void anUnknownTopLevelFieldIsRefusedNamingTheField() {
        assertInvalid(Map.of("modelId", modelId, "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "priority", 5), 400, "invalid-job-spec", "priority");
    }

    @Test
    void missingAndUnknownModelsAreRefused() {
        assertInvalid(Map.of("steps", List.of(Map.of("type", "quantize", "mode", "dynamic"))), 400,
                "invalid-job-spec", "modelId");
        assertInvalid(Map.of("modelId", "00000000-0000-0000-0000-000000000000",
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic"))), 400, "invalid-job-spec", "modelId");
    }

    @Test
    void anEmptyPipelineAndOutOfRangeEvaluationAreRefused() {
        assertInvalid(Map.of("modelId", modelId, "steps", List.of()), 400, "invalid-job-spec", "steps");
        assertInvalid(Map.of("modelId", modelId, "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("samples", 0)), 400, "invalid-job-spec", "evaluation.samples");
        assertInvalid(Map.of("modelId", modelId, "device", "tpu",
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic"))), 400, "invalid-job-spec", "device");
    }

    @Test
    void evaluationDimensionsOutOfRangeAreRefused() {
        assertInvalid(Map.of("modelId", modelId, "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("dimensions", Map.of("sequence", -7))), 400, "invalid-job-spec",
                "evaluation.dimensions.sequence");
        assertInvalid(Map.of("modelId", modelId, "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("dimensions", Map.of("sequence", 5000))), 400, "invalid-job-spec",
                "evaluation.dimensions.sequence");
    }

    @Test
    void syntheticBatchesTooLargeForMemoryAreRefusedBeforeQueueing() {
        String model = upload(OnnxGraphBuilder.create("rows", 17)
                .input("x", DataType.FLOAT, "batch", "rows", 16)
                .floatInitializer("w", new long[] {16, 4}, new float[64])
                .node("MatMul", List.of("x", "w"), List.of("y"))
                .output("y", DataType.FLOAT, "batch", "rows", 4)
                .build());
        JsonNode problem = assertInvalid(Map.of("modelId", model,
                        "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                        "evaluation", Map.of("batchSize", 1024, "dimensions", Map.of("rows", 4096))), 422,
                "method-not-applicable", "evaluation.batchSize");
        assertThat(problem.get("detail").asString()).contains("lower evaluation.batchSize");
    }

    @Test
    void aModelWithNothingToQuantizeIsRefusedAsNotApplicable() {
        String reluOnly = upload(OnnxGraphBuilder.create("relu", 17)
                .input("x", DataType.FLOAT, "batch", 4)
                .node("Relu", List.of("x"), List.of("y"))
                .output("y", DataType.FLOAT, "batch", 4)
                .build());
        JsonNode problem = assertInvalid(Map.of("modelId", reluOnly,
                        "steps", List.of(Map.of("type", "quantize", "mode", "dynamic"))), 422, "method-not-applicable",
                "steps[0]");
        assertThat(problem.get("detail").asString()).contains("no MatMul, Gemm, Conv or Gather");
    }

    @Test
    void aModelBelowOpset11IsRefusedWithTheReason() {
        ModelProto mlp = TestModels.mlp(16, 8, 4, 2);
        String old = upload(mlp.toBuilder().setOpsetImport(0,
                OperatorSetIdProto.newBuilder().setDomain("").setVersion(9)).build());
        JsonNode problem = assertInvalid(Map.of("modelId", old,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic"))), 422, "method-not-applicable",
                "steps[0]");
        assertThat(problem.get("detail").asString()).contains("opset 9");
    }

    @Test
    void aQueuedJobIsCancelledAtOnceAndCancellingAgainIsAConflict() {
        String location = api().postJson("/v1/jobs", spec(Map.of("type", "quantize", "mode", "dynamic")))
                .header("Location");

        ApiClient.Response cancelled = api().post(location + "/cancel");
        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.json().hasNonNull("finishedAt")).isTrue();

        ApiClient.Response again = api().post(location + "/cancel");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asString()).endsWith("/job-finished");
        assertThat(api().post("/v1/jobs/00000000-0000-0000-0000-000000000000/cancel").status()).isEqualTo(404);
    }

    @Test
    void aModelUsedByAQueuedJobCannotBeDeletedUntilTheJobIsCancelled() {
        String location = api().postJson("/v1/jobs", spec(Map.of("type", "quantize", "mode", "dynamic")))
                .header("Location");

        ApiClient.Response refused = api().delete("/v1/models/" + modelId);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("/model-in-use");

        api().post(location + "/cancel");
        assertThat(api().delete("/v1/models/" + modelId).status()).isEqualTo(204);
        JsonNode job = api().get(location).json();
        assertThat(job.hasNonNull("modelId")).as("the finished job outlives its model").isFalse();
        assertThat(job.at("/spec/modelId").asString()).isEqualTo(modelId);
    }

    @Test
    void nestedAndCombinedParametersAreCheckedNamingTheNestedField() {
        assertInvalid(spec(Map.of("type", "quantize", "mode", "static")), 400, "invalid-job-spec",
                "steps[0].calibration");
        assertInvalid(spec(Map.of("type", "quantize", "mode", "static", "calibration", Map.of("datasetId", "x"))),
                400, "invalid-job-spec", "steps[0].calibration.datasetId");
        String unknown = "00000000-0000-0000-0000-000000000000";
        assertInvalid(spec(Map.of("type", "quantize", "mode", "static", "calibration",
                Map.of("datasetId", unknown, "seed", 1))), 400, "invalid-job-spec", "steps[0].calibration.seed");
        assertInvalid(spec(Map.of("type", "quantize", "mode", "static", "calibration",
                Map.of("datasetId", unknown, "method", "percentile", "percentile", 40))), 400, "invalid-job-spec",
                "steps[0].calibration.percentile");
        assertInvalid(spec(Map.of("type", "quantize", "mode", "static", "calibration",
                Map.of("datasetId", unknown, "samples", 0))), 400, "invalid-job-spec", "steps[0].calibration.samples");
        assertInvalid(spec(Map.of("type", "quantize", "mode", "static", "calibration", Map.of("datasetId", unknown))),
                400, "invalid-job-spec", "steps[0].calibration.datasetId");
        assertInvalid(spec(Map.of("type", "quantize", "mode", "weight-only", "blockSize", 8)), 400,
                "invalid-job-spec", "steps[0].blockSize");
    }

    @Test
    void aCalibrationDatasetThatDoesNotFitTheModelIsNotApplicable() {
        byte[] wide = TestDatasets.labelled(new float[2 * 5], 5, new long[] {0, 1}, false);
        String datasetId = api().upload("/v1/datasets", "wide.npz", wide, Map.of()).json().get("id").asString();
        JsonNode problem = assertInvalid(spec(Map.of("type", "quantize", "mode", "static",
                "calibration", Map.of("datasetId", datasetId))), 422, "method-not-applicable", "steps[0]");
        assertThat(problem.get("detail").asString()).contains("calibration dataset");
    }

    @Test
    void aNullStepIsRefusedNamingIt() {
        ApiClient.Response response = api().postJson("/v1/jobs", "{\"modelId\": \"" + modelId
                + "\", \"steps\": [null]}");
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("steps[0].type");
    }

    @Test
    void malformedJsonIsAnInvalidSpec() {
        ApiClient.Response response = api().postJson("/v1/jobs", "{\"modelId\": ");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).endsWith("/invalid-job-spec");
    }

    @Test
    void jobsArePagedNewestFirstAndFilteredByModel() {
        List<String> submitted = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            submitted.add(api().postJson("/v1/jobs", spec(Map.of("type", "quantize", "mode", "dynamic"))).json()
                    .get("id").asString());
        }
        JsonNode first = api().get("/v1/jobs?limit=2&modelId=" + modelId).json();
        assertThat(first.get("items")).extracting(j -> j.get("id").asString())
                .containsExactly(submitted.get(2), submitted.get(1));
        JsonNode second = api().get("/v1/jobs?limit=2&modelId=" + modelId + "&cursor="
                + first.get("nextCursor").asString()).json();
        assertThat(second.get("items")).extracting(j -> j.get("id").asString()).containsExactly(submitted.get(0));
        assertThat(second.hasNonNull("nextCursor")).isFalse();
        assertThat(api().get("/v1/jobs?status=RUNNING&modelId=" + modelId).json().get("items")).isEmpty();
        assertThat(api().get("/v1/jobs?status=SLEEPING").status()).isEqualTo(400);
    }

    @Test
    void methodsListTheirParameters() {
        JsonNode methods = api().get("/v1/methods").json();
        JsonNode dynamic = null;
        for (JsonNode method : methods) {
            if (method.get("type").asString().equals("quantize") && method.get("name").asString().equals("dynamic")) {
                dynamic = method;
            }
        }
        assertThat(dynamic).isNotNull();
        assertThat(dynamic.get("selector").asString()).isEqualTo("mode");
        assertThat(dynamic.get("parameters")).anyMatch(p -> p.get("name").asString().equals("weightType")
                && p.get("allowedValues").toString().contains("int8"));
    }

    private Map<String, Object> spec(Map<String, Object> step) {
        return Map.of("modelId", modelId, "steps", List.of(step));
    }

    private JsonNode assertInvalid(Map<String, Object> spec, int status, String type, String field) {
        long jobsBefore = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();
        ApiClient.Response response = api().postJson("/v1/jobs", spec);
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).endsWith("/" + type);
        assertThat(problem.get("errors")).as(problem.toString())
                .anyMatch(e -> e.get("field").asString().equals(field));
        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single()).isEqualTo(jobsBefore);
        return problem;
    }

    private String upload(ModelProto model) {
        ApiClient.Response response = api().uploadModel("model.onnx", model.toByteArray());
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }
}
