package io.condenser.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The sender's hard deadline per attempt, against a receiver that never stops answering slowly. */
class WebhookSenderTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(1500);

    @Test
    void aReceiverTricklingItsAnswerIsCutOffAtTheDeadlineAndTheAttemptFails() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             WebhookSender sender = new WebhookSender(new WebhookTargets(true), Duration.ofSeconds(1), READ_TIMEOUT,
                     ATTEMPT_TIMEOUT, 1)) {
            Thread receiver = Thread.ofVirtual().start(() -> trickle(server));

            Instant start = Instant.now();
            WebhookSender.Outcome outcome = sender.send(
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook"), "msg_1", 1, "v1,x", "{}");
            Duration took = Duration.between(start, Instant.now());

            assertThat(outcome.delivered()).isFalse();
            assertThat(outcome.statusCode()).isNull();
            assertThat(outcome.error()).contains("deadline");
            assertThat(took).as("each read came within the read timeout; only the deadline ends it")
                    .isGreaterThanOrEqualTo(ATTEMPT_TIMEOUT).isLessThan(ATTEMPT_TIMEOUT.plusSeconds(2));
            receiver.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void aClaimOutlastsTheDeadlineOfItsAttempt() {
        WebhookProperties properties = new WebhookProperties(null, false, 8, Duration.ofSeconds(10),
                Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(2), 4,
                Duration.ofSeconds(1));

        assertThat(WebhookDispatcher.claimLease(properties)).isGreaterThan(properties.attemptTimeout());
    }

    /** Reads the request, then answers one header byte every 200 ms, for longer than the test waits. */
    private static void trickle(ServerSocket server) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            in.read(new byte[8192]);
            out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100; i++) {
                out.write('a');
                out.flush();
                Thread.sleep(200);
            }
        } catch (IOException e) {
            // the sender closed the connection at its deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
