package io.condenser.testing;

import io.condenser.webhook.WebhookDeliveryListener;
import io.condenser.webhook.WebhookDispatcher;
import io.condenser.webhook.WebhookOutbox;
import io.condenser.webhook.WebhookProperties;
import io.condenser.webhook.WebhookTargets;
import java.time.Duration;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts webhook dispatchers inside a test's application context, allowed to call the test's own local receivers and
 * retrying within a fraction of a second.
 */
public final class TestWebhooks {

    /** The service's signing secret in dispatchers started here (24 bytes, base64). */
    public static final String SIGNING_SECRET = "whsec_c2VydmljZS1zaWduaW5nLXNlY3JldC0xMjM0";

    private TestWebhooks() {
    }

    /**
     * @param maxAttempts         attempts of a message before it is given up
     * @param readTimeout         how long a receiver may take to answer
     * @param allowPrivateTargets false to see deliveries to the local receivers refused
     */
    public static WebhookDispatcher start(ApplicationContext context, int maxAttempts, Duration readTimeout,
                                          boolean allowPrivateTargets) {
        WebhookProperties properties = new WebhookProperties(SIGNING_SECRET, allowPrivateTargets, maxAttempts,
                Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2), readTimeout,
                readTimeout.plusSeconds(2), 2,
                Duration.ofMillis(100));
        WebhookDispatcher dispatcher = new WebhookDispatcher(context.getBean(WebhookOutbox.class),
                new WebhookTargets(properties), properties, context.getBean(WebhookDeliveryListener.class),
                context.getBean(TransactionTemplate.class));
        dispatcher.start();
        return dispatcher;
    }
}
