package io.condenser.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tenant's stored bytes, concurrent jobs and request rate, each answered with 429 and Retry-After beyond it. */
class QuotaAndRateLimitTest extends IntegrationTestSupport {

    private static final byte[] MODEL = TestModels.mlp(16, 8, 4, 1).toByteArray();

    @Test
    void anUploadBeyondTheStoredBytesQuotaIsRefusedAndLeavesNoTrace() throws Exception {
        TestTenant tenant = newTenant(Map.of("maxStoredBytes", MODEL.length + 100));
        ApiClient client = api().withKey(tenant.key());
        assertThat(client.uploadModel("first.onnx", MODEL).status()).isEqualTo(201);

        ApiClient.Response model = assertUploadRefusedWithoutTrace(() -> client.uploadModel("second.onnx",
                TestModels.mlp(16, 8, 4, 2).toByteArray()), 429, "quota-exceeded", "models");
        assertThat(model.header("Retry-After")).isEqualTo("60");
        ApiClient.Response dataset = assertUploadRefusedWithoutTrace(() -> client.upload("/v1/datasets", "d.npy",
                TestDatasets.npy("<f4", new long[] {200, 4}, new byte[200 * 4 * 4]), Map.of()), 429,
                "quota-exceeded", "datasets");
        assertThat(dataset.header("Retry-After")).isEqualTo("60");
        assertThat(api().get("/v1/tenants/" + tenant.id()).json().get("storedBytes").asLong())
                .isEqualTo(MODEL.length);
    }

    @Test
    void anUploadLargerThanWhatIsLeftIsCutOffWhileItStreams() throws Exception {
        TestTenant tenant = newTenant(Map.of("maxStoredBytes", 100));
        ApiClient client = api().withKey(tenant.key());

        ApiClient.Response refused = assertUploadRefusedWithoutTrace(() -> client.uploadModel("big.onnx", MODEL),
                429, "quota-exceeded", "models");

        assertThat(refused.json().get("detail").asString()).contains("100 bytes left");
        assertThat(refused.header("Retry-After")).isNotBlank();
    }

    @Test
    void anUploadAfterWhichTheQuotaIsFullIsRefusedOnceTheSizeIsKnown() throws Exception {
        TestTenant tenant = newTenant(Map.of("maxStoredBytes", MODEL.length + 100));
        ApiClient client = api().withKey(tenant.key());
        assertThat(client.uploadModel("first.onnx", MODEL).status()).isEqualTo(201);

        // With an Idempotency-Key the upload streams in full (it may be a retry); the final check still refuses it.
        ApiClient.Response refused = assertUploadRefusedWithoutTrace(() -> client.upload("/v1/models", "again.onnx",
                TestModels.mlp(16, 8, 4, 3).toByteArray(), Map.of(), "Idempotency-Key", "retry-1"), 429,
                "quota-exceeded", "models");

        assertThat(refused.json().get("detail").asString()).contains("does not fit");
    }

    @Test
    void aJobBeyondTheConcurrentJobsQuotaIsRefusedUntilOneFinishes() {
        TestTenant tenant = newTenant(Map.of("maxConcurrentJobs", 1));
        ApiClient client = api().withKey(tenant.key());
        String modelId = client.uploadModel("m.onnx", MODEL).json().get("id").asString();
        Map<String, Object> spec = Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")));
        ApiClient.Response first = client.postJson("/v1/jobs", spec);
        assertThat(first.status()).as(first.text()).isEqualTo(202);
        long jobsBefore = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();

        ApiClient.Response second = client.postJson("/v1/jobs", spec);

        assertThat(second.status()).as(second.text()).isEqualTo(429);
        assertThat(second.json().get("type").asString()).endsWith("/quota-exceeded");
        assertThat(second.header("Retry-After")).isEqualTo("60");
        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single()).isEqualTo(jobsBefore);
        assertThat(api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")))).status())
                .as("the default tenant cannot see this tenant's model").isEqualTo(400);

        assertThat(client.post(first.header("Location") + "/cancel").status()).isEqualTo(202);
        assertThat(client.postJson("/v1/jobs", spec).status()).isEqualTo(202);
    }

    @Test
    void requestsBeyondTheTenantsRateAreRefusedWithRetryAfter() {
        TestTenant limited = newTenant(Map.of("requestsPerMinute", 3));
        ApiClient client = api().withKey(limited.key());
        ApiClient otherKeyOfTheTenant = api().withKey(newKey(limited.id(), "read"));

        assertThat(client.get("/v1/models").status()).isEqualTo(200);
        assertThat(otherKeyOfTheTenant.get("/v1/models").status()).isEqualTo(200);
        assertThat(client.get("/v1/datasets").status()).isEqualTo(200);
        ApiClient.Response refused = otherKeyOfTheTenant.get("/v1/models");

        assertThat(refused.status()).as(refused.text()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asString()).endsWith("/rate-limited");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 20L);
        assertThat(api().get("/v1/models").status()).as("other tenants are not limited").isEqualTo(200);
        assertThat(client.get("/actuator/health/liveness").status()).as("probes are not counted").isEqualTo(200);
    }
}
