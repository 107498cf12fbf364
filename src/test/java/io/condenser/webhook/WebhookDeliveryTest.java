package io.condenser.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.LiveEventsTestSupport;
import io.condenser.testing.TestModels;
import io.condenser.testing.TestWebhooks;
import io.condenser.testing.TestWorkers;
import io.condenser.testing.WebhookReceiver;
import io.condenser.testing.WebhookReceiver.Answer;
import io.condenser.testing.WebhookReceiver.Received;
import io.condenser.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Job webhooks end to end: the outbox, the dispatcher and a local receiver that checks what it gets. */
class WebhookDeliveryTest extends LiveEventsTestSupport {

    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final String JOB_SECRET = "whsec_am9iLW93bi1zZWNyZXQtZm9yLXRlc3RzLTAwMQ==";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    ApplicationContext context;

    private final List<AutoCloseable> started = new ArrayList<>();
    private String modelId;

    @BeforeEach
    void setUp() {
        jdbc.sql("DELETE FROM jobs").update();
        modelId = api().uploadModel("mlp.onnx", TestModels.mlp(16, 8, 4, 1).toByteArray()).json().get("id")
                .asString();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable closeable : started.reversed()) {
            closeable.close();
        }
    }

    @Test
    void aMessageIsSignedPerStandardWebhooksWithTheJobsSecret() throws Exception {
        WebhookReceiver receiver = receiver();
        String id = submit(Map.of("url", receiver.url("/hook"), "secret", JOB_SECRET));
        api().post("/v1/jobs/" + id + "/cancel");
        dispatcher(3, true);

        Received message = receiver.next(GENEROUS);

        assertThat(message).as("a message arrived").isNotNull();
        assertThat(message.path()).isEqualTo("/hook");
        assertThat(message.header("Content-Type")).startsWith("application/json");
        assertThat(message.header("webhook-signature"))
                .isEqualTo(expectedSignature(JOB_SECRET, message.header("webhook-id"),
                        message.header("webhook-timestamp"), message.body()));
        assertThat(Long.parseLong(message.header("webhook-timestamp")))
                .isBetween(Instant.now().minusSeconds(600).getEpochSecond(), Instant.now().getEpochSecond());
        JsonNode body = JSON.readTree(message.body());
        assertThat(body.get("type").asString()).isEqualTo("job.cancelled");
        assertThat(body.hasNonNull("timestamp")).isTrue();
        assertThat(body.at("/data/id").asString()).isEqualTo(id);
        assertThat(body.at("/data/status").asString()).isEqualTo("CANCELLED");
        assertThat(body.at("/data/modelId").asString()).isEqualTo(modelId);
        awaitDeliveryStatus(id, "DELIVERED");
    }

    @Test
    void aJobThatRunsSendsTheEventsItsWebhookAskedForSignedWithTheServiceSecret() throws Exception {
        WebhookReceiver receiver = receiver();
        String id = submit(Map.of("url", receiver.url("/ci"), "events", List.of("job.running", "job.succeeded")));
        dispatcher(3, true);
        Worker worker = TestWorkers.start(context, Duration.ofSeconds(30), Duration.ofSeconds(5), 3,
                Duration.ofSeconds(1));
        started.add(worker::stop);

        Received running = receiver.next(GENEROUS);
        Received succeeded = receiver.next(GENEROUS);

        assertThat(List.of(running, succeeded)).doesNotContainNull().allSatisfy(message ->
                assertThat(message.header("webhook-signature")).isEqualTo(expectedSignature(
                        TestWebhooks.SIGNING_SECRET, message.header("webhook-id"),
                        message.header("webhook-timestamp"), message.body())));
        assertThat(JSON.readTree(running.body()).get("type").asString()).isEqualTo("job.running");
        JsonNode done = JSON.readTree(succeeded.body());
        assertThat(done.get("type").asString()).isEqualTo("job.succeeded");
        assertThat(done.at("/data/resultModelId").asString())
                .isEqualTo(api().get("/v1/jobs/" + id).json().get("resultModelId").asString());
        assertThat(running.header("webhook-id")).isNotEqualTo(succeeded.header("webhook-id"));
    }

    @Test
    void aRetryAfterA500KeepsTheWebhookIdAndTheBody() throws Exception {
        WebhookReceiver receiver = receiver(Answer.status(500));
        String id = submit(Map.of("url", receiver.url("/hook"), "secret", JOB_SECRET));
        api().post("/v1/jobs/" + id + "/cancel");
        dispatcher(3, true);

        Received refused = receiver.next(GENEROUS);
        Received accepted = receiver.next(GENEROUS);

        assertThat(refused).isNotNull();
        assertThat(accepted).isNotNull();
        assertThat(accepted.header("webhook-id")).isEqualTo(refused.header("webhook-id"));
        assertThat(accepted.body()).isEqualTo(refused.body());
        assertThat(accepted.header("webhook-signature")).isEqualTo(expectedSignature(JOB_SECRET,
                accepted.header("webhook-id"), accepted.header("webhook-timestamp"), accepted.body()));
        awaitDeliveryStatus(id, "DELIVERED");
        assertThat(jdbc.sql("SELECT attempts FROM webhook_deliveries WHERE job_id = ?::uuid").param(id)
                .query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void aReceiverThatAnswersTooLateIsTriedAgain() throws Exception {
        WebhookReceiver receiver = receiver(new Answer(204, Duration.ofSeconds(4), null));
        String id = submit(Map.of("url", receiver.url("/slow"), "secret", JOB_SECRET));
        api().post("/v1/jobs/" + id + "/cancel");
        dispatcher(3, true);

        Received first = receiver.next(GENEROUS);
        Received second = receiver.next(GENEROUS);

        assertThat(second).as("retried after the read timeout").isNotNull();
        assertThat(second.header("webhook-id")).isEqualTo(first.header("webhook-id"));
        awaitDeliveryStatus(id, "DELIVERED");
    }

    @Test
    void redirectsAreNotFollowedAndAMessageIsGivenUpAfterItsLastAttemptAsAJobEvent() throws Exception {
        WebhookReceiver receiver = receiver(new Answer(307, Duration.ZERO, "/elsewhere"),
                new Answer(307, Duration.ZERO, "/elsewhere"));
        String id = submit(Map.of("url", receiver.url("/hook"), "secret", JOB_SECRET));
        api().post("/v1/jobs/" + id + "/cancel");
        dispatcher(2, true);

        awaitDeliveryStatus(id, "FAILED");

        assertThat(receiver.pending()).extracting(Received::path).containsExactly("/hook", "/hook");
        JsonNode given = api().get("/v1/jobs/" + id + "/events", "Accept", "application/json").json()
                .valueStream().filter(e -> e.get("type").asString().equals("webhook")).findFirst().orElseThrow();
        assertThat(given.at("/data/outcome").asString()).isEqualTo("failed");
        assertThat(given.at("/data/event").asString()).isEqualTo("job.cancelled");
        assertThat(given.at("/data/attempts").asInt()).isEqualTo(2);
        assertThat(given.at("/data/statusCode").asInt()).isEqualTo(307);
    }

    @Test
    void aMessageWaitingWhileNoDispatcherRunsIsSentOnceOneStarts() throws Exception {
        WebhookReceiver receiver = receiver();
        String id = submit(Map.of("url", receiver.url("/hook"), "secret", JOB_SECRET));
        WebhookDispatcher before = dispatcher(3, true);
        before.stop();
        api().post("/v1/jobs/" + id + "/cancel");

        assertThat(deliveryStatus(id)).as("kept in the outbox").isEqualTo("PENDING");
        dispatcher(3, true);

        Received message = receiver.next(GENEROUS);
        assertThat(message).isNotNull();
        assertThat(JSON.readTree(message.body()).at("/data/id").asString()).isEqualTo(id);
        awaitDeliveryStatus(id, "DELIVERED");
    }

    @Test
    void aTargetThatIsNotAllowedAtDeliveryIsNotCalled() throws Exception {
        WebhookReceiver receiver = receiver();
        String id = submit(Map.of("url", receiver.url("/hook"), "secret", JOB_SECRET));
        api().post("/v1/jobs/" + id + "/cancel");
        dispatcher(1, false);

        awaitDeliveryStatus(id, "FAILED");

        assertThat(receiver.pending()).isEmpty();
        assertThat(jdbc.sql("SELECT last_error FROM webhook_deliveries WHERE job_id = ?::uuid").param(id)
                .query(String.class).single()).contains("resolves to a private or internal address");
    }

    private String submit(Map<String, Object> webhook) {
        ApiClient.Response response = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("samples", 4, "batchSize", 2, "latencyRuns", 3),
                "webhook", webhook));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        assertThat(response.text()).doesNotContain("whsec_");
        return response.json().get("id").asString();
    }

    private WebhookReceiver receiver(Answer... answers) {
        WebhookReceiver receiver = new WebhookReceiver(answers);
        started.add(receiver);
        return receiver;
    }

    private WebhookDispatcher dispatcher(int maxAttempts, boolean allowPrivateTargets) {
        WebhookDispatcher dispatcher = TestWebhooks.start(context, maxAttempts, Duration.ofSeconds(1),
                allowPrivateTargets);
        started.add(dispatcher::stop);
        return dispatcher;
    }

    private String deliveryStatus(String jobId) {
        return jdbc.sql("SELECT status FROM webhook_deliveries WHERE job_id = ?::uuid").param(jobId)
                .query(String.class).single();
    }

    private void awaitDeliveryStatus(String jobId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        while (!deliveryStatus(jobId).equals(status) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(deliveryStatus(jobId)).isEqualTo(status);
    }

    /** The signature computed here from the spec, independently of the service's signer. */
    private static String expectedSignature(String secret, String id, String timestamp, String body)
            throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }
}
