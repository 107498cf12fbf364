package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Idempotency-Key: retries of creating requests return what the first one created, and nothing more. */
class IdempotencyTest extends IntegrationTestSupport {

    private static final String KEY = "Idempotency-Key";

    @Test
    void aRepeatedJobSubmissionReturnsTheFirstJobAndADifferentOneWithTheSameKeyIsRefused() {
        String modelId = model(1);
        String key = UUID.randomUUID().toString();
        Map<String, Object> spec = Map.of("modelId", modelId, "steps",
                List.of(Map.of("type", "quantize", "mode", "dynamic")));

        ApiClient.Response first = api().postJson("/v1/jobs", spec, KEY, key);
        ApiClient.Response again = api().postJson("/v1/jobs", spec, KEY, key);

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(jobsOf(modelId)).isEqualTo(1);

        ApiClient.Response different = api().postJson("/v1/jobs", Map.of("modelId", modelId, "steps",
                List.of(Map.of("type", "quantize", "mode", "fp16"))), KEY, key);
        assertThat(different.status()).isEqualTo(422);
        assertThat(different.json().get("type").asString()).endsWith("/idempotency-key-reused");
        assertThat(jobsOf(modelId)).isEqualTo(1);

        ApiClient.Response invalid = api().postJson("/v1/jobs", spec, KEY, "has spaces");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().at("/errors/0/field").asString()).isEqualTo(KEY);
    }

    @Test
    void concurrentRetriesCreateOneJob() throws Exception {
        String modelId = model(2);
        String key = UUID.randomUUID().toString();
        Map<String, Object> spec = Map.of("modelId", modelId, "steps",
                List.of(Map.of("type", "quantize", "mode", "dynamic")));
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Future<ApiClient.Response>> responses = threads.invokeAll(Collections.nCopies(6,
                    () -> api().postJson("/v1/jobs", spec, KEY, key)));
            Set<String> ids = new HashSet<>();
            for (Future<ApiClient.Response> response : responses) {
                assertThat(response.get().status()).as(response.get().text()).isEqualTo(202);
                ids.add(response.get().json().get("id").asString());
            }
            assertThat(ids).hasSize(1);
        } finally {
            threads.shutdownNow();
        }
        assertThat(jobsOf(modelId)).isEqualTo(1);
    }

    @Test
    void repeatedUploadsReturnTheFirstResourceAndKeepNoSecondFile() throws IOException {
        String key = UUID.randomUUID().toString();
        byte[] model = TestModels.mlp(16, 8, 4, 3).toByteArray();
        String first = api().upload("/v1/models", "m.onnx", model, Map.of(), KEY, key).json().get("id")
                .asString();
        ApiClient.Response again = api().upload("/v1/models", "m.onnx", model, Map.of(), KEY, key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("id").asString()).isEqualTo(first);
        assertUploadRefusedWithoutTrace(() -> api().upload("/v1/models", "m.onnx",
                TestModels.mlp(16, 8, 4, 4).toByteArray(), Map.of(), KEY, key), 422, "idempotency-key-reused",
                "models");

        String datasetKey = UUID.randomUUID().toString();
        byte[] dataset = TestDatasets.labelled(new float[8], 4, new long[] {0, 1}, true);
        String firstDataset = api().upload("/v1/datasets", "d.npz", dataset, Map.of(), KEY, datasetKey).json()
                .get("id").asString();
        assertThat(api().upload("/v1/datasets", "d.npz", dataset, Map.of(), KEY, datasetKey).json().get("id")
                .asString()).isEqualTo(firstDataset);
        assertThat(jdbc.sql("SELECT count(*) FROM datasets WHERE sha256 = (SELECT sha256 FROM datasets WHERE id ="
                + " ?::uuid)").param(firstDataset).query(Long.class).single()).isEqualTo(1);
    }

    private String model(long seed) {
        return api().uploadModel("m.onnx", TestModels.mlp(16, 8, 4, seed).toByteArray()).json().get("id")
                .asString();
    }

    private long jobsOf(String modelId) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE model_id = ?::uuid").param(modelId).query(Long.class)
                .single();
    }
}
