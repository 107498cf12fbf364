package io.condenser.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import io.condenser.testing.TestWorkers;
import io.condenser.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Tenant B tries tenant A's ids everywhere: every answer must be the one an id that does not exist gets, and nothing
 * of A's may change.
 */
class TenantIsolationTest extends IntegrationTestSupport {

    private static final int FEATURES = 16;

    @Autowired
    ApplicationContext context;

    private ApiClient tenantA;
    private ApiClient tenantB;
    private String modelA;
    private String datasetA;
    private String jobA;

    @BeforeEach
    void tenantAOwnsAModelADatasetAndAJob() {
        tenantA = api().withKey(newTenant(Map.of()).key());
        tenantB = api().withKey(newTenant(Map.of()).key());
        modelA = created(tenantA.uploadModel("a.onnx", TestModels.mlp(FEATURES, 8, 4, 1).toByteArray()));
        datasetA = created(tenantA.upload("/v1/datasets", "a.npz", dataset(), Map.of()));
        jobA = created(tenantA.postJson("/v1/jobs", spec(modelA, datasetA)));
    }

    @Test
    void anotherTenantsIdsAreAnsweredLikeIdsThatDoNotExist() {
        for (String path : List.of("/v1/models/%s", "/v1/models/%s/content", "/v1/datasets/%s",
                "/v1/datasets/%s/content", "/v1/jobs/%s")) {
            String id = path.startsWith("/v1/models") ? modelA : path.startsWith("/v1/datasets") ? datasetA : jobA;
            assertSameAsUnknown(tenantB.get(path.formatted(id)), tenantB.get(path.formatted(UUID.randomUUID())), id);
            assertThat(tenantA.get(path.formatted(id)).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void anotherTenantCannotDeleteOrCancelAndNothingChanges() {
        assertSameAsUnknown(tenantB.delete("/v1/models/" + modelA),
                tenantB.delete("/v1/models/" + UUID.randomUUID()), modelA);
        assertSameAsUnknown(tenantB.delete("/v1/datasets/" + datasetA),
                tenantB.delete("/v1/datasets/" + UUID.randomUUID()), datasetA);
        assertSameAsUnknown(tenantB.post("/v1/jobs/" + jobA + "/cancel"),
                tenantB.post("/v1/jobs/" + UUID.randomUUID() + "/cancel"), jobA);

        assertThat(tenantA.get("/v1/models/" + modelA).status()).isEqualTo(200);
        assertThat(tenantA.get("/v1/datasets/" + datasetA).status()).isEqualTo(200);
        assertThat(tenantA.get("/v1/jobs/" + jobA).json().get("status").asString()).isEqualTo("QUEUED");
    }

    @Test
    void listsShowOnlyTheTenantsOwnResources() {
        String modelB = created(tenantB.uploadModel("b.onnx", TestModels.mlp(FEATURES, 8, 4, 2).toByteArray()));

        assertThat(ids(tenantB.get("/v1/models?limit=200"))).containsExactly(modelB);
        assertThat(ids(tenantB.get("/v1/datasets?limit=200"))).isEmpty();
        assertThat(ids(tenantB.get("/v1/jobs?limit=200"))).isEmpty();
        assertThat(ids(tenantB.get("/v1/jobs?modelId=" + modelA))).isEmpty();
        assertThat(ids(tenantA.get("/v1/models?limit=200"))).containsExactly(modelA);
        assertThat(ids(tenantA.get("/v1/datasets?limit=200"))).containsExactly(datasetA);
        assertThat(ids(tenantA.get("/v1/jobs?modelId=" + modelA))).containsExactly(jobA);
        assertThat(ids(api().get("/v1/models?limit=200"))).as("the default tenant's list")
                .doesNotContain(modelA, modelB);
    }

    @Test
    void aJobCannotUseAnotherTenantsModelOrDataset() {
        String modelB = created(tenantB.uploadModel("b.onnx", TestModels.mlp(FEATURES, 8, 4, 2).toByteArray()));
        long jobsBefore = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();

        JsonNode othersModel = refusedSubmission(spec(modelA, null), "modelId");
        JsonNode unknownModel = refusedSubmission(spec(UUID.randomUUID().toString(), null), "modelId");
        assertThat(othersModel.get("type")).isEqualTo(unknownModel.get("type"));
        assertThat(othersModel.get("detail").asString()).isEqualTo("no model with id " + modelA);

        JsonNode othersDataset = refusedSubmission(spec(modelB, datasetA), "evaluation.datasetId");
        assertThat(othersDataset.get("detail").asString())
                .isEqualTo("evaluation.datasetId: no dataset with id " + datasetA);
        JsonNode othersCalibration = refusedSubmission(Map.of("modelId", modelB, "steps", List.of(Map.of(
                "type", "quantize", "mode", "static", "calibration", Map.of("datasetId", datasetA)))),
                "steps[0].calibration.datasetId");
        assertThat(othersCalibration.get("type")).isEqualTo(othersDataset.get("type"));

        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single()).isEqualTo(jobsBefore);
    }

    @Test
    void anIdempotencyKeyIsTheTenantsOwn() {
        byte[] model = TestModels.mlp(FEATURES, 8, 4, 3).toByteArray();
        ApiClient.Response first = tenantA.upload("/v1/models", "m.onnx", model, Map.of(), "Idempotency-Key", "k-1");
        ApiClient.Response second = tenantB.upload("/v1/models", "m.onnx", model, Map.of(), "Idempotency-Key", "k-1");

        assertThat(second.status()).as(second.text()).isEqualTo(201);
        assertThat(second.header("Idempotent-Replayed")).isNull();
        assertThat(created(second)).isNotEqualTo(created(first));
        assertThat(tenantB.get("/v1/models/" + created(first)).status()).isEqualTo(404);
    }

    @Test
    void aWorkerServesEveryTenantAndTheResultBelongsToTheJobsTenant() {
        jdbc.sql("DELETE FROM jobs").update();
        String location = "/v1/jobs/" + created(tenantA.postJson("/v1/jobs", spec(modelA, datasetA)));
        Worker worker = TestWorkers.start(context, Duration.ofSeconds(5), Duration.ofSeconds(1), 3,
                Duration.ofMillis(200));
        JsonNode job;
        try {
            job = tenantA.awaitJob(location, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
        } finally {
            worker.stop();
        }
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        String result = job.get("resultModelId").asString();

        assertThat(tenantA.get("/v1/models/" + result).status()).isEqualTo(200);
        assertThat(tenantA.get("/v1/models/" + result + "/content").status()).isEqualTo(200);
        assertThat(tenantB.get("/v1/models/" + result).status()).isEqualTo(404);
        assertThat(tenantB.get("/v1/models/" + result + "/content").status()).isEqualTo(404);
        assertThat(ids(tenantA.get("/v1/models?limit=200"))).contains(result);
    }

    /** The answer to another tenant's id must say no more than the answer to an id that does not exist. */
    private static void assertSameAsUnknown(ApiClient.Response others, ApiClient.Response unknown, String othersId) {
        assertThat(others.status()).as(others.text()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(others.contentType()).isEqualTo(unknown.contentType());
        JsonNode problem = others.json();
        JsonNode unknownProblem = unknown.json();
        assertThat(problem.get("type")).isEqualTo(unknownProblem.get("type"));
        assertThat(problem.get("title")).isEqualTo(unknownProblem.get("title"));
        String unknownId = unknownProblem.get("instance").asString().replaceAll(".*/v1/[a-z]+/([0-9a-f-]{36}).*", "$1");
        assertThat(problem.get("detail").asString())
                .isEqualTo(unknownProblem.get("detail").asString().replace(unknownId, othersId));
    }

    private JsonNode refusedSubmission(Map<String, Object> spec, String field) {
        ApiClient.Response response = tenantB.postJson("/v1/jobs", spec);
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).endsWith("/invalid-job-spec");
        assertThat(problem.get("errors")).anyMatch(e -> e.get("field").asString().equals(field));
        return problem;
    }

    private static Map<String, Object> spec(String modelId, String datasetId) {
        Map<String, Object> evaluation = datasetId == null ? Map.of("latencyRuns", 3)
                : Map.of("datasetId", datasetId, "batchSize", 4, "latencyRuns", 3);
        return Map.of("modelId", modelId, "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", evaluation);
    }

    private static byte[] dataset() {
        long[] labels = {0, 1, 2, 3, 0, 1, 2, 3};
        return TestDatasets.labelled(TestModels.gaussian(new SplittableRandom(7), labels.length * FEATURES, 1.0),
                FEATURES, labels, false);
    }

    private static String created(ApiClient.Response response) {
        assertThat(response.status()).as(response.text()).isIn(201, 202);
        return response.json().get("id").asString();
    }

    private static List<String> ids(ApiClient.Response page) {
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        page.json().get("items").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }
}
