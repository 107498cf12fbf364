package io.condenser.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * condenser.events.*: the Server-Sent Event streams of jobs' events.
 *
 * @param maxStreams    streams this process serves at once; more are refused with 503 until one ends
 * @param keepAlive     how long a stream may stay silent before a comment line is sent (proxies close idle ones)
 * @param pollInterval  how often streams look for new events when no notification came (the fallback)
 * @param streamTimeout how long one stream lasts at most; the client then reconnects with Last-Event-ID
 * @param senderThreads threads that read and write events for all streams
 */
@ConfigurationProperties("condenser.events")
public record JobEventStreamProperties(int maxStreams, Duration keepAlive, Duration pollInterval,
                                       Duration streamTimeout, int senderThreads) {

    public JobEventStreamProperties {
        if (maxStreams < 1 || senderThreads < 1) {
            throw new IllegalArgumentException("condenser.events.max-streams and .sender-threads must be at least 1");
        }
    }
}
