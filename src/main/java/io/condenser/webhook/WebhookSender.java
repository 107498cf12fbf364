package io.condenser.webhook;

import io.condenser.support.WakeSignal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs signed webhook messages. Host names are resolved through {@link WebhookTargets}, so the connection goes to an
 * address that was just checked, never to one a second lookup returned (DNS rebinding). Redirects are not followed,
 * nothing is retried here, no proxy is used, and the answer's body is not used. Each attempt has a hard deadline: the
 * connect and read timeouts bound each address and each read, so a receiver that trickles its answer a byte at a time
 * (or a host name with many addresses) could otherwise hold a sender for hours.
 */
final class WebhookSender implements AutoCloseable {

    /** Addresses of a host name tried in turn, each with its own connect timeout. */
    static final int MAX_ADDRESSES = 2;

    /** What one attempt came to. */
    record Outcome(Integer statusCode, String error) {
        boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    private final CloseableHttpClient client;
    private final Duration attemptTimeout;
    private final ScheduledExecutorService deadlines;

    /**
     * @param attemptTimeout the most an attempt takes, from connecting to closing the answer, whatever the receiver
     *                       does
     */
    WebhookSender(WebhookTargets targets, Duration connectTimeout, Duration readTimeout, Duration attemptTimeout,
                  int connections) {
        this.attemptTimeout = attemptTimeout;
        this.deadlines = Executors.newSingleThreadScheduledExecutor(
                runnable -> WakeSignal.daemon(runnable, "condenser-webhook-deadlines"));
        DnsResolver checkedResolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                try {
                    InetAddress[] addresses = targets.resolve(host);
                    return addresses.length > MAX_ADDRESSES ? Arrays.copyOf(addresses, MAX_ADDRESSES) : addresses;
                } catch (RefusedWebhookTargetException e) {
                    UnknownHostException refused = new UnknownHostException(e.getMessage());
                    refused.initCause(e);
                    throw refused;
                }
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checkedResolver)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout))
                                .build())
                        .setMaxConnTotal(connections)
                        .setMaxConnPerRoute(connections)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(readTimeout)).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("Condenser-Webhooks")
                .build();
    }

    Outcome send(URI target, String id, long timestamp, String signature, String body) {
        HttpPost post = new HttpPost(target);
        post.setHeader("webhook-id", id);
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", signature);
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        // Cancelling closes the connection, which ends a blocked connect or read at once. The deadline also covers
        // closing the answer, which reads what is left of its body.
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, attemptTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        Integer code = null;
        try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
            code = response.getCode();
        } catch (IOException e) {
            if (code == null) {
                return failure(post, e);
            }
        } finally {
            deadline.cancel(false);
        }
        return new Outcome(code, code >= 200 && code < 300 ? null : "the receiver answered " + code);
    }

    private Outcome failure(HttpPost post, IOException e) {
        if (post.isCancelled()) {
            return new Outcome(null, "no answer within the attempt's deadline of " + attemptTimeout.toSeconds()
                    + " s");
        }
        Throwable cause = e.getCause() instanceof RefusedWebhookTargetException refused ? refused : e;
        return new Outcome(null, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        client.close();
    }
}
