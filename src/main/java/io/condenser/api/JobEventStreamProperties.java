package io.condenser.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * condenser.events.*: the Server-Sent Event streams of jobs' events.
 *
 * @param maxStreams          streams this process serves at once; more are refused with 503 until one ends
 * @param maxStreamsPerTenant streams this process serves at once to one tenant, so that one tenant cannot take them
 *                            all; empty: a quarter of maxStreams (at least 1)
 * @param retryAfter          the Retry-After of a 503 for too many streams
 * @param keepAlive           how long a stream may stay silent before a comment line is sent (proxies close idle ones)
 * @param pollInterval        how often streams look for new events when no notification came (the fallback)
 * @param streamTimeout       how long one stream lasts at most; the client then reconnects with Last-Event-ID
 * @param senderThreads       threads that read and write events for all streams
 */
@ConfigurationProperties("condenser.events")
public record JobEventStreamProperties(int maxStreams, Integer maxStreamsPerTenant,
                                       @DefaultValue("5s") Duration retryAfter, Duration keepAlive,
                                       Duration pollInterval, Duration streamTimeout, int senderThreads) {

    public JobEventStreamProperties {
        if (maxStreams < 1 || senderThreads < 1) {
            throw new IllegalArgumentException("condenser.events.max-streams and .sender-threads must be at least 1");
        }
        if (maxStreamsPerTenant == null) {
            maxStreamsPerTenant = Math.max(1, maxStreams / 4);
        } else if (maxStreamsPerTenant < 1) {
            throw new IllegalArgumentException("condenser.events.max-streams-per-tenant must be at least 1");
        }
    }
}
