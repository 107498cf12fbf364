package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.LiveEventsTestSupport;
import io.condenser.testing.TestModels;
import io.condenser.testing.TestWorkers;
import io.condenser.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** GET /v1/jobs/{id}/events: Server-Sent Events replayed, streamed live, resumed; and the JSON list. */
class JobEventsApiTest extends LiveEventsTestSupport {

    private static final Duration GENEROUS = Duration.ofSeconds(120);

    @Autowired
    ApplicationContext context;

    private String modelId;
    private Worker worker;

    @BeforeEach
    void setUp() {
        jdbc.sql("DELETE FROM jobs").update();
        modelId = api().uploadModel("mlp.onnx", TestModels.mlp(16, 8, 4, 1).toByteArray()).json().get("id")
                .asString();
    }

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.stop();
        }
    }

    @Test
    void theEventsOfAFinishedJobAreReplayedInOrderAndTheStreamEnds() {
        String id = submit();
        startWorker();
        assertThat(api().awaitJob("/v1/jobs/" + id, GENEROUS, "SUCCEEDED").get("status").asString())
                .isEqualTo("SUCCEEDED");

        ApiClient.EventStream stream = api().readEvents(events(id), GENEROUS);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        assertThat(stream.ended()).as("the stream ends after the final status").isTrue();
        assertWellFormed(stream.events());
        assertThat(statuses(stream.events())).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        JsonNode last = stream.events().getLast().json();
        assertThat(last.at("/data/resultModelId").asString())
                .isEqualTo(api().get("/v1/jobs/" + id).json().get("resultModelId").asString());
        List<JsonNode> listed = api().get(events(id), "Accept", "application/json").json().valueStream().toList();
        assertThat(listed).extracting(e -> e.get("id").asString())
                .containsExactlyElementsOf(stream.events().stream().map(ApiClient.ServerSentEvent::id).toList());
    }

    @Test
    void aStreamOpenedBeforeTheJobRunsReceivesItsEventsLive() throws Exception {
        String id = submit();
        CountDownLatch queuedSeen = new CountDownLatch(1);
        CompletableFuture<ApiClient.EventStream> streaming = CompletableFuture.supplyAsync(
                () -> api().readEvents(events(id), GENEROUS, event -> queuedSeen.countDown()));
        assertThat(queuedSeen.await(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();

        startWorker();
        ApiClient.EventStream stream = streaming.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);

        assertThat(stream.ended()).isTrue();
        assertWellFormed(stream.events());
        assertThat(statuses(stream.events())).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        JsonNode running = stream.events().stream().map(ApiClient.ServerSentEvent::json)
                .filter(e -> e.at("/data/status").asString().equals("RUNNING")).findFirst().orElseThrow();
        assertThat(running.at("/data/attempt").asInt()).isEqualTo(1);
        assertThat(running.at("/data/workerDevice").asString()).isEqualTo("cpu");
        List<JsonNode> logs = ofType(stream.events(), "log");
        assertThat(logs).extracting(e -> e.at("/data/message").asString()).containsExactly("started", "finished");
        assertThat(logs.get(1).at("/data/stepType").asString()).isEqualTo("quantize/dynamic");
        assertThat(logs.get(1).at("/data/counters/quantizedNodes").asDouble()).isPositive();
        List<Double> progress = ofType(stream.events(), "progress").stream()
                .map(e -> e.at("/data/progress").asDouble()).toList();
        assertThat(progress).isNotEmpty().isSorted();
    }

    @Test
    void aReconnectingClientResumesAfterItsLastEventId() {
        String id = submit();
        startWorker();
        api().awaitJob("/v1/jobs/" + id, GENEROUS, "SUCCEEDED");
        List<ApiClient.ServerSentEvent> all = api().readEvents(events(id), GENEROUS).events();
        assertThat(all).hasSizeGreaterThan(3);

        ApiClient.EventStream resumed = api().readEvents(events(id), GENEROUS, "Last-Event-ID", all.get(1).id());
        ApiClient.EventStream atTheEnd = api().readEvents(events(id), GENEROUS, "Last-Event-ID", all.getLast().id());

        assertThat(resumed.events()).extracting(ApiClient.ServerSentEvent::id)
                .containsExactlyElementsOf(all.subList(2, all.size()).stream().map(ApiClient.ServerSentEvent::id)
                        .toList());
        assertThat(resumed.ended()).isTrue();
        assertThat(atTheEnd.events()).as("nothing follows the final status").isEmpty();
        assertThat(atTheEnd.ended()).isTrue();
    }

    @Test
    void anIdleStreamReceivesKeepAliveComments() {
        String id = submit();

        ApiClient.EventStream stream = api().readEvents(events(id), Duration.ofSeconds(3));

        assertThat(stream.ended()).as("a queued job's stream stays open").isFalse();
        assertThat(statuses(stream.events())).containsExactly("QUEUED");
        assertThat(stream.comments()).contains("keep-alive");
    }

    @Test
    void anUnknownJobIsA404ProblemForStreamsAndLists() {
        String unknown = events(UUID.randomUUID().toString());

        ApiClient.EventStream stream = api().readEvents(unknown, GENEROUS);
        ApiClient.Response list = api().get(unknown, "Accept", "application/json");

        assertThat(stream.status()).isEqualTo(404);
        assertThat(stream.contentType()).startsWith("application/problem+json");
        assertThat(stream.json().get("type").asString()).endsWith("/not-found");
        assertThat(list.status()).isEqualTo(404);
        assertThat(list.json().get("type").asString()).endsWith("/not-found");
    }

    private String submit() {
        ApiClient.Response response = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("samples", 4, "batchSize", 2, "latencyRuns", 3)));
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json().get("id").asString();
    }

    private void startWorker() {
        worker = TestWorkers.start(context, Duration.ofSeconds(30), Duration.ofSeconds(5), 3, Duration.ofSeconds(1));
    }

    private static String events(String jobId) {
        return "/v1/jobs/" + jobId + "/events";
    }

    /** SSE ids and names match the events' own, ids increase, and the data is the job's event as JSON. */
    private static void assertWellFormed(List<ApiClient.ServerSentEvent> events) {
        assertThat(events).isNotEmpty().allSatisfy(event -> {
            assertThat(event.json().get("id").asString()).isEqualTo(event.id());
            assertThat(event.json().get("type").asString()).isEqualTo(event.event());
            assertThat(event.json().hasNonNull("createdAt")).isTrue();
        });
        assertThat(events).extracting(event -> Long.parseLong(event.id())).isSorted().doesNotHaveDuplicates();
    }

    private static List<String> statuses(List<ApiClient.ServerSentEvent> events) {
        return ofType(events, "status").stream().map(e -> e.at("/data/status").asString()).toList();
    }

    private static List<JsonNode> ofType(List<ApiClient.ServerSentEvent> events, String type) {
        return events.stream().filter(e -> type.equals(e.event())).map(ApiClient.ServerSentEvent::json).toList();
    }
}
