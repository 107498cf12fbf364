package io.condenser.webhook;

import io.condenser.support.WakeSignal;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the messages of the webhook outbox: claims those that are due, signs each attempt (same webhook-id, new
 * timestamp), and on a non-2xx answer, a timeout or a refused target retries with exponential backoff and jitter until
 * the last attempt, after which the message is marked failed and the job's listener told. Runs in every process with
 * the API or a worker; replicas share the work through the outbox's row locks.
 */
@Component
@ConditionalOnExpression("${condenser.webhooks.dispatcher-enabled:true}"
        + " and (${condenser.api.enabled:true} or ${condenser.worker.enabled:true})")
public class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** Beyond the deadline of an attempt, before a claimed message is due again (its sender presumed dead). */
    private static final Duration CLAIM_MARGIN = Duration.ofSeconds(30);

    private final WebhookOutbox outbox;
    private final WebhookTargets targets;
    private final WebhookProperties properties;
    private final WebhookDeliveryListener listener;
    private final TransactionTemplate transactions;
    private final WakeSignal wakeSignal = new WakeSignal();
    private volatile boolean active;
    private Semaphore freeSlots;
    private WebhookSender sender;
    private ExecutorService senders;
    private Thread loop;

    public WebhookDispatcher(WebhookOutbox outbox, WebhookTargets targets, WebhookProperties properties,
                             WebhookDeliveryListener listener, TransactionTemplate transactions) {
        this.outbox = outbox;
        this.targets = targets;
        this.properties = properties;
        this.listener = listener;
        this.transactions = transactions;
    }

    @Override
    public synchronized void start() {
        if (active) {
            return;
        }
        active = true;
        freeSlots = new Semaphore(properties.concurrency());
        sender = new WebhookSender(targets, properties.connectTimeout(), properties.readTimeout(),
                properties.attemptTimeout(), properties.concurrency());
        AtomicInteger number = new AtomicInteger();
        senders = Executors.newFixedThreadPool(properties.concurrency(),
                runnable -> WakeSignal.daemon(runnable, "condenser-webhook-" + number.incrementAndGet()));
        loop = WakeSignal.daemon(this::dispatchLoop, "condenser-webhook-dispatcher");
        loop.start();
    }

    @Override
    public synchronized void stop() {
        if (!active) {
            return;
        }
        active = false;
        wake();
        try {
            loop.join();
            senders.shutdown();
            if (!senders.awaitTermination(properties.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("webhook messages still being sent at shutdown; they are sent again once their claim ends");
            }
            sender.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("closing the webhook HTTP client failed: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return active;
    }

    private void dispatchLoop() {
        Duration claim = claimLease(properties);
        while (active) {
            try {
                int free = freeSlots.availablePermits();
                List<WebhookOutbox.Delivery> due = free == 0 ? List.of() : outbox.claimDue(free, claim);
                for (WebhookOutbox.Delivery delivery : due) {
                    freeSlots.acquireUninterruptibly();
                    senders.execute(() -> {
                        try {
                            deliver(delivery);
                        } catch (RuntimeException e) {
                            log.warn("webhook message {} of job {}: attempt {} could not be recorded ({}); it is sent"
                                    + " again once its claim ends", delivery.id(), delivery.jobId(),
                                    delivery.attempt(), e.getMessage());
                        } finally {
                            freeSlots.release();
                            wake();
                        }
                    });
                }
                // Nothing else is due, or every slot is busy: wait for a sender to finish or the next poll.
                awaitWake();
            } catch (RuntimeException e) {
                log.warn("reading the webhook outbox failed: {}", e.getMessage());
                awaitWake();
            }
        }
    }

    private void deliver(WebhookOutbox.Delivery delivery) {
        WebhookSender.Outcome outcome = attempt(delivery);
        if (outcome.delivered()) {
            outbox.delivered(delivery, outcome.statusCode());
            log.debug("webhook message {} ({}) of job {} delivered", delivery.id(), delivery.eventType(),
                    delivery.jobId());
        } else if (delivery.attempt() >= properties.maxAttempts()) {
            log.info("webhook message {} ({}) of job {} given up after {} attempts: {}", delivery.id(),
                    delivery.eventType(), delivery.jobId(), delivery.attempt(), outcome.error());
            transactions.executeWithoutResult(status -> {
                if (outbox.failed(delivery, outcome.statusCode(), outcome.error())) {
                    listener.givenUp(delivery, outcome.statusCode(), outcome.error());
                }
            });
        } else {
            outbox.retryLater(delivery, backoff(delivery.attempt()), outcome.statusCode(), outcome.error());
        }
    }

    private WebhookSender.Outcome attempt(WebhookOutbox.Delivery delivery) {
        String secret = delivery.secret() != null ? delivery.secret() : properties.signingSecret();
        if (secret == null) {
            return new WebhookSender.Outcome(null, "no signing secret: the webhook has none and"
                    + " condenser.webhooks.signing-secret is not set");
        }
        URI target;
        try {
            target = targets.check(delivery.url());
        } catch (RefusedWebhookTargetException e) {
            return new WebhookSender.Outcome(null, "the URL " + e.getMessage());
        }
        long timestamp = Instant.now().getEpochSecond();
        String id = delivery.id().toString();
        return sender.send(target, id, timestamp,
                WebhookSigner.signature(WebhookSecret.key(secret), id, timestamp, delivery.payload()),
                delivery.payload());
    }

    /** How long a claimed message is this process's: longer than any attempt can take. */
    static Duration claimLease(WebhookProperties properties) {
        return properties.attemptTimeout().plus(CLAIM_MARGIN);
    }

    /** The wait after failed attempt {@code n}: initial × 2^(n-1), capped, then a random point in its upper half. */
    Duration backoff(int attempt) {
        long initial = properties.initialBackoff().toMillis();
        long capped = Math.min(properties.maxBackoff().toMillis(),
                initial << Math.min(attempt - 1, 30));
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private void awaitWake() {
        if (!wakeSignal.await(properties.pollInterval())) {
            active = false;
        }
    }

    private void wake() {
        wakeSignal.wake();
    }
}
