package io.condenser.job;

import io.condenser.webhook.WebhookOutbox;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a status change writes besides the job's row, in the same transaction: its event, and the message for the
 * job's webhook when it asked for this change.
 */
@Component
public class JobStatusChanges {

    private final JobEventLog events;
    private final WebhookOutbox webhooks;
    private final JsonMapper json;

    JobStatusChanges(JobEventLog events, WebhookOutbox webhooks, JsonMapper json) {
        this.events = events;
        this.webhooks = webhooks;
        this.json = json;
    }

    void record(JobSnapshot job) {
        events.status(job);
        JobWebhookEvent.of(job.status()).ifPresent(event -> webhooks.enqueue(job.id(), event.wireName(),
                json.writeValueAsString(message(event, job))));
    }

    /** The webhook message: {@code {type, timestamp, data}}, data being the job as the change left it. */
    private Map<String, Object> message(JobWebhookEvent event, JobSnapshot job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", job.id());
        data.put("status", job.status().name());
        data.put("modelId", job.modelId());
        data.put("device", job.device());
        data.put("workerDevice", job.workerDevice());
        data.put("attempts", job.attempts());
        data.put("resultModelId", job.resultModelId());
        data.put("error", job.errorJson() == null ? null : json.readTree(job.errorJson()));
        data.put("createdAt", text(job.createdAt()));
        data.put("startedAt", text(job.startedAt()));
        data.put("finishedAt", text(job.finishedAt()));
        data.values().removeIf(value -> value == null);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", event.wireName());
        message.put("timestamp", Instant.now().toString());
        message.put("data", data);
        return message;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
