package io.condenser.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * condenser.webhooks.*: how job webhooks are signed and sent.
 *
 * @param signingSecret       the secret ({@code whsec_} + base64 of 24 to 64 bytes) that signs messages of webhooks
 *                            submitted without their own; empty: such webhooks are refused at submission
 * @param allowPrivateTargets lets webhooks target loopback, private, link-local and other internal addresses (tests,
 *                            single-host setups); off, they are refused at submission and again at delivery
 * @param maxAttempts         attempts of one message before it is given up as failed
 * @param initialBackoff      the wait after the first failed attempt; it doubles after each further one (with jitter)
 * @param maxBackoff          the longest wait between two attempts
 * @param connectTimeout      to open the connection to the receiver
 * @param readTimeout         to wait for each read of its answer
 * @param attemptTimeout      the most one attempt takes, however the receiver trickles its answer; a claimed message is
 *                            not sent again by another process before this (and a margin) has passed
 * @param concurrency         messages sent at once by this process
 * @param pollInterval        how often the outbox is read for messages that are due
 */
@ConfigurationProperties("condenser.webhooks")
public record WebhookProperties(String signingSecret, boolean allowPrivateTargets, int maxAttempts,
                                Duration initialBackoff, Duration maxBackoff, Duration connectTimeout,
                                Duration readTimeout, Duration attemptTimeout, int concurrency,
                                Duration pollInterval) {

    public WebhookProperties {
        signingSecret = signingSecret == null || signingSecret.isBlank() ? null : signingSecret.strip();
        if (signingSecret != null) {
            try {
                WebhookSecret.key(signingSecret);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("condenser.webhooks.signing-secret: " + e.getMessage());
            }
        }
        if (maxAttempts < 1 || concurrency < 1) {
            throw new IllegalArgumentException("condenser.webhooks.max-attempts and .concurrency must be at least 1");
        }
        if (attemptTimeout == null || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("condenser.webhooks.attempt-timeout must be positive");
        }
    }
}
