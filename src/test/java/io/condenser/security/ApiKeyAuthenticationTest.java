package io.condenser.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestModels;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Keys, scopes and the admin API, through HTTP as clients use them. */
class ApiKeyAuthenticationTest extends IntegrationTestSupport {

    @Test
    void aRequestWithoutAKeyIsRefusedWithABearerChallenge() {
        ApiClient anonymous = api().withKey(null);
        for (ApiClient.Response response : List.of(anonymous.get("/v1/models"), anonymous.get("/v1/methods"),
                anonymous.post("/v1/jobs/00000000-0000-0000-0000-000000000000/cancel"),
                anonymous.get("/v1/models", "Authorization", "Basic dXNlcjpwYXNz"))) {
            assertProblem(response, 401, "unauthorized");
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        }
    }

    @Test
    void aRefusedUploadClosesItsConnectionInsteadOfReadingTheBody() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            // A body announced and never sent: a server that swallows it waits for bytes that do not come.
            socket.getOutputStream().write(("POST /v1/models HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("\r\nConnection: close\r\n")
                    .contains("application/problem+json").contains("/unauthorized");
        }
    }

    @Test
    void aRefusedRequestWithoutABodyKeepsItsConnection() {
        assertThat(api().withKey(null).get("/v1/models").header("Connection")).isNull();
    }

    @Test
    void unknownAndMalformedKeysAreRefused() {
        for (String key : List.of(ApiKeySecrets.generate(), "cnd_short", ADMIN_KEY + "x")) {
            ApiClient.Response response = api().withKey(key).get("/v1/models");
            assertProblem(response, 401, "unauthorized");
            assertThat(response.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        }
    }

    @Test
    void aRevokedKeyIsRefusedFromTheNextRequestOn() {
        TestTenant tenant = newTenant(Map.of());
        ApiClient client = api().withKey(tenant.key());
        assertThat(client.get("/v1/models").status()).isEqualTo(200);
        String keyId = api().get("/v1/tenants/" + tenant.id() + "/keys").json().get(0).get("id").asString();

        assertThat(api().delete("/v1/tenants/" + tenant.id() + "/keys/" + keyId).status()).isEqualTo(204);

        assertProblem(client.get("/v1/models"), 401, "unauthorized");
        JsonNode listed = api().get("/v1/tenants/" + tenant.id() + "/keys").json().get(0);
        assertThat(listed.hasNonNull("revokedAt")).isTrue();
        assertThat(listed.hasNonNull("lastUsedAt")).isTrue();
        assertThat(api().delete("/v1/tenants/" + tenant.id() + "/keys/" + keyId).status())
                .as("revoking again changes nothing").isEqualTo(204);
    }

    @Test
    void aReadOnlyKeyReadsButCannotUploadSubmitCancelOrDelete() throws Exception {
        TestTenant tenant = newTenant(Map.of(), "read");
        ApiClient reader = api().withKey(tenant.key());
        String writerKey = newKey(tenant.id(), "write");
        String modelId = api().withKey(writerKey).uploadModel("m.onnx", TestModels.mlp(8, 4, 2, 1).toByteArray())
                .json().get("id").asString();

        assertThat(reader.get("/v1/models/" + modelId).status()).isEqualTo(200);
        ApiClient.Response upload = assertUploadRefusedWithoutTrace(() -> reader.uploadModel("m.onnx",
                TestModels.mlp(8, 4, 2, 2).toByteArray()), 403, "insufficient-scope", "models");
        assertThat(upload.header("WWW-Authenticate")).contains("scope=\"write\"");
        assertProblem(reader.postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")))), 403, "insufficient-scope");
        assertProblem(reader.delete("/v1/models/" + modelId), 403, "insufficient-scope");
        assertProblem(api().withKey(writerKey).get("/v1/models/" + modelId), 403, "insufficient-scope");
        assertThat(reader.get("/v1/models/" + modelId).status()).isEqualTo(200);
    }

    @Test
    void tenantsAndKeysNeedTheAdminScope() {
        TestTenant tenant = newTenant(Map.of(), "read", "write");
        ApiClient user = api().withKey(tenant.key());

        assertProblem(user.get("/v1/tenants"), 403, "insufficient-scope");
        assertProblem(user.get("/v1/tenants/" + tenant.id()), 403, "insufficient-scope");
        assertProblem(user.postJson("/v1/tenants", Map.of("name", "sneaky")), 403, "insufficient-scope");
        assertProblem(user.postJson("/v1/tenants/" + tenant.id() + "/keys",
                Map.of("name", "more", "scopes", List.of("admin"))), 403, "insufficient-scope");
        assertProblem(user.get("/v1/tenants/" + tenant.id() + "/keys"), 403, "insufficient-scope");

        String adminOfTenant = newKey(tenant.id(), "admin");
        assertThat(api().withKey(adminOfTenant).get("/v1/tenants").status())
                .as("an admin key manages every tenant").isEqualTo(200);
    }

    @Test
    void theSecretIsShownOnceAndTheDatabaseKeepsOnlyItsHash() {
        TestTenant tenant = newTenant(Map.of());
        ApiClient.Response created = api().postJson("/v1/tenants/" + tenant.id() + "/keys",
                Map.of("name", "pipeline", "scopes", List.of("read", "write")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String secret = created.json().get("secret").asString();
        String keyId = created.json().at("/key/id").asString();
        assertThat(secret).startsWith("cnd_").hasSize(47);
        assertThat(created.json().at("/key/prefix").asString()).isEqualTo(secret.substring(0, 12));

        ApiClient.Response listed = api().get("/v1/tenants/" + tenant.id() + "/keys");
        assertThat(listed.text()).doesNotContain(secret.substring(12)).doesNotContain("secret");
        String row = jdbc.sql("SELECT row_to_json(k)::text FROM api_keys k WHERE id = ?::uuid").param(keyId)
                .query(String.class).single();
        assertThat(row).doesNotContain(secret.substring(12));
        byte[] stored = jdbc.sql("SELECT secret_sha256 FROM api_keys WHERE id = ?::uuid").param(keyId)
                .query(byte[].class).single();
        assertThat(HexFormat.of().formatHex(stored))
                .isEqualTo(HexFormat.of().formatHex(ApiKeySecrets.sha256(secret)));
        assertThat(jdbc.sql("SELECT count(*) FROM api_keys WHERE prefix = ? AND secret_sha256 = sha256(?::bytea)")
                .params(ADMIN_KEY.substring(0, 12), ADMIN_KEY).query(Long.class).single())
                .as("the configured admin key is stored hashed too").isEqualTo(1);
        assertThat(api().withKey(secret).get("/v1/models").status()).isEqualTo(200);
    }

    @Test
    void keysAndTenantsAreChecked() {
        TestTenant tenant = newTenant(Map.of());
        assertProblem(api().postJson("/v1/tenants/00000000-0000-0000-0000-000000000000/keys",
                Map.of("name", "k", "scopes", List.of("read"))), 404, "not-found");
        assertProblem(api().postJson("/v1/tenants/" + tenant.id() + "/keys",
                Map.of("name", "k", "scopes", List.of("root"))), 400, "invalid-request");
        assertProblem(api().postJson("/v1/tenants/" + tenant.id() + "/keys",
                Map.of("name", "k", "scopes", List.of())), 400, "invalid-request");
        assertProblem(api().delete("/v1/tenants/" + tenant.id() + "/keys/00000000-0000-0000-0000-000000000000"),
                404, "not-found");
        assertProblem(api().postJson("/v1/tenants", Map.of("name", "Not A Slug")), 400, "invalid-request");
        String name = api().get("/v1/tenants/" + tenant.id()).json().get("name").asString();
        assertProblem(api().postJson("/v1/tenants", Map.of("name", name)), 409, "tenant-name-taken");
        assertThat(api().get("/v1/tenants").json()).anyMatch(t -> t.get("name").asString().equals("default"));
    }

    @Test
    void theContractSwaggerUiAndProbesNeedNoKey() {
        ApiClient anonymous = api().withKey(null);
        ApiClient.Response contract = anonymous.get("/openapi.yaml");
        assertThat(contract.status()).isEqualTo(200);
        assertThat(contract.text()).contains("bearerAuth");
        for (String path : List.of("/v3/api-docs", "/swagger-ui/index.html", "/actuator/health/readiness",
                "/actuator/health/liveness", "/actuator/prometheus")) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(200);
        }
        assertProblem(anonymous.get("/actuator/info"), 401, "unauthorized");
    }

    private static void assertProblem(ApiClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).endsWith("/" + type);
    }
}
