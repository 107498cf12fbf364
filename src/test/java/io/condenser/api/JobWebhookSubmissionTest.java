package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * A job's webhook as submitted, on a service with its defaults: private targets refused and no signing secret of its
 * own. Refusals leave no job behind.
 */
class JobWebhookSubmissionTest extends IntegrationTestSupport {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private String modelId;

    @BeforeEach
    void uploadModel() {
        modelId = api().uploadModel("mlp.onnx", TestModels.mlp(16, 8, 4, 1).toByteArray()).json().get("id")
                .asString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook",
            "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/hook",
            "ftp://example.com/hook"})
    void internalOrNonHttpTargetsAreRefused(String url) {
        JsonNode problem = refused(Map.of("url", url, "secret", SECRET), 422, "webhook-target-refused");

        assertThat(problem.at("/errors/0/field").asString()).isEqualTo("webhook.url");
    }

    @Test
    void aWebhookWithoutASecretIsRefusedWhenTheServiceHasNone() {
        JsonNode problem = refused(Map.of("url", "https://1.1.1.1/hook"), 422, "webhook-secret-required");

        assertThat(problem.at("/errors/0/field").asString()).isEqualTo("webhook.secret");
    }

    @Test
    void malformedSecretsUnknownEventsAndMissingUrlsAreInvalidSpecs() {
        assertThat(refused(Map.of("url", "https://1.1.1.1/hook", "secret", "s3cr3t"), 400, "invalid-job-spec")
                .at("/errors/0/field").asString()).isEqualTo("webhook.secret");
        assertThat(refused(Map.of("url", "https://1.1.1.1/hook", "secret", SECRET, "events", List.of("job.done")),
                400, "invalid-job-spec").at("/errors/0/field").asString()).startsWith("webhook.events");
        assertThat(refused(Map.of("secret", SECRET), 400, "invalid-job-spec").at("/errors/0/field").asString())
                .isEqualTo("webhook.url");
    }

    @Test
    void anAcceptedWebhookIsShownWithItsEventsButNeverItsSecret() {
        ApiClient.Response submitted = api().postJson("/v1/jobs", spec(Map.of("url", "https://1.1.1.1/hook",
                "secret", SECRET)));

        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        JsonNode webhook = submitted.json().at("/spec/webhook");
        assertThat(webhook.get("url").asString()).isEqualTo("https://1.1.1.1/hook");
        assertThat(webhook.get("events").valueStream().map(JsonNode::asString))
                .containsExactly("job.succeeded", "job.failed", "job.cancelled");
        assertThat(webhook.has("secret")).isFalse();
        String read = api().get("/v1/jobs/" + submitted.json().get("id").asString()).text();
        String listed = api().get("/v1/jobs").text();
        assertThat(List.of(submitted.text(), read, listed)).noneMatch(text -> text.contains("whsec_"));
    }

    private JsonNode refused(Map<String, Object> webhook, int status, String type) {
        long jobsBefore = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();

        ApiClient.Response response = api().postJson("/v1/jobs", spec(webhook));

        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).endsWith("/" + type);
        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single()).isEqualTo(jobsBefore);
        return response.json();
    }

    private Map<String, Object> spec(Map<String, Object> webhook) {
        return Map.of("modelId", modelId, "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "webhook", webhook);
    }
}
