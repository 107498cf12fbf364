package io.condenser.job;

import io.condenser.webhook.WebhookDeliveryListener;
import io.condenser.webhook.WebhookOutbox;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** A webhook message given up after its last attempt becomes an event of its job, so the job's stream tells. */
@Component
class WebhookFailureRecorder implements WebhookDeliveryListener {

    private final JobEventLog events;

    WebhookFailureRecorder(JobEventLog events) {
        this.events = events;
    }

    @Override
    public void givenUp(WebhookOutbox.Delivery delivery, Integer lastStatusCode, String lastError) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("outcome", "failed");
        data.put("webhookId", delivery.id().toString());
        data.put("event", delivery.eventType());
        data.put("url", delivery.url());
        data.put("attempts", delivery.attempt());
        if (lastStatusCode != null) {
            data.put("statusCode", lastStatusCode);
        }
        data.put("error", lastError);
        events.record(delivery.jobId(), JobEventLog.WEBHOOK, data);
    }
}
