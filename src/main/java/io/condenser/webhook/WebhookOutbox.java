package io.condenser.webhook;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The webhooks of jobs (table job_webhooks) and the messages waiting to be sent to them (table webhook_deliveries).
 * Messages are written in the caller's transaction, so a status change and its message commit together; senders claim
 * due messages with {@code FOR UPDATE SKIP LOCKED} and a lease, so two replicas never send the same attempt.
 */
@Component
public class WebhookOutbox {

    private final JdbcClient jdbc;

    public WebhookOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One attempt at sending a message, as claimed. */
    public record Delivery(UUID id, UUID jobId, String eventType, String url, String payload, int attempt,
                           String secret) {
    }

    /**
     * @param secret the job's own secret, or null for the service's signing secret
     */
    public void register(UUID jobId, String url, List<String> events, String secret) {
        jdbc.sql("INSERT INTO job_webhooks (job_id, url, events, secret) VALUES (:job, :url, :events, :secret)")
                .param("job", jobId).param("url", url).param("events", events.toArray(String[]::new))
                .param("secret", secret)
                .update();
    }

    /** Queues a message for the job's webhook, if it has one that wants this event. */
    public void enqueue(UUID jobId, String eventType, String payload) {
        jdbc.sql("""
                        INSERT INTO webhook_deliveries (id, job_id, event_type, url, payload, status, next_attempt_at,
                                                        created_at)
                        SELECT :id, job_id, :event, url, :payload, 'PENDING', now(), now()
                        FROM job_webhooks WHERE job_id = :job AND :event = ANY (events)""")
                .param("id", UUID.randomUUID()).param("job", jobId).param("event", eventType)
                .param("payload", payload)
                .update();
    }

    /**
     * Claims messages that are due: each counts an attempt and is not due again before the lease ends, when a sender
     * that died meanwhile has its attempt retried.
     */
    public List<Delivery> claimDue(int limit, Duration lease) {
        return jdbc.sql("""
                        UPDATE webhook_deliveries d
                        SET attempts = d.attempts + 1,
                            next_attempt_at = now() + make_interval(secs => :leaseSeconds)
                        FROM job_webhooks w
                        WHERE w.job_id = d.job_id
                          AND d.id IN (SELECT id FROM webhook_deliveries
                                       WHERE status = 'PENDING' AND next_attempt_at <= now()
                                       ORDER BY next_attempt_at
                                       LIMIT :limit
                                       FOR UPDATE SKIP LOCKED)
                        RETURNING d.id, d.job_id, d.event_type, d.url, d.payload, d.attempts, w.secret""")
                .param("leaseSeconds", lease.toMillis() / 1000.0).param("limit", limit)
                .query((rs, row) -> new Delivery(rs.getObject("id", UUID.class), rs.getObject("job_id", UUID.class),
                        rs.getString("event_type"), rs.getString("url"), rs.getString("payload"),
                        rs.getInt("attempts"), rs.getString("secret")))
                .list();
    }

    public void delivered(Delivery delivery, int statusCode) {
        finish(delivery, "DELIVERED", statusCode, null);
    }

    /** @return false when the attempt was no longer this sender's (its lease ended and another claimed it) */
    public boolean failed(Delivery delivery, Integer statusCode, String error) {
        return finish(delivery, "FAILED", statusCode, error);
    }

    public void retryLater(Delivery delivery, Duration delay, Integer statusCode, String error) {
        jdbc.sql("""
                        UPDATE webhook_deliveries
                        SET next_attempt_at = now() + make_interval(secs => :delaySeconds),
                            last_status_code = :statusCode, last_error = :error
                        WHERE id = :id AND status = 'PENDING' AND attempts = :attempt""")
                .param("delaySeconds", delay.toMillis() / 1000.0).param("statusCode", statusCode)
                .param("error", error).param("id", delivery.id()).param("attempt", delivery.attempt())
                .update();
    }

    private boolean finish(Delivery delivery, String status, Integer statusCode, String error) {
        return jdbc.sql("""
                        UPDATE webhook_deliveries
                        SET status = :status, last_status_code = :statusCode, last_error = :error, finished_at = now()
                        WHERE id = :id AND status = 'PENDING' AND attempts = :attempt""")
                .param("status", status).param("statusCode", statusCode).param("error", error)
                .param("id", delivery.id()).param("attempt", delivery.attempt())
                .update() == 1;
    }
}
