package io.condenser.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
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
 * nothing is retried here, no proxy is used, and the answer's body is never read.
 */
final class WebhookSender implements AutoCloseable {

    /** What one attempt came to. */
    record Outcome(Integer statusCode, String error) {
        boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    private final CloseableHttpClient client;

    WebhookSender(WebhookTargets targets, Duration connectTimeout, Duration readTimeout, int connections) {
        DnsResolver checkedResolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                try {
                    return targets.resolve(host);
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
        // Closed without reading the body: a receiver cannot keep the sender busy with an endless answer.
        try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
            int code = response.getCode();
            return new Outcome(code, code >= 200 && code < 300 ? null : "the receiver answered " + code);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof RefusedWebhookTargetException refused ? refused : e;
            return new Outcome(null, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
