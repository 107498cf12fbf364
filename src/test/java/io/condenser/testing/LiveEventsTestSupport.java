package io.condenser.testing;

import org.springframework.test.context.TestPropertySource;

/**
 * Base of tests of event streams and webhooks: webhooks may target the tests' local receivers (private targets
 * allowed, the service has a signing secret) and idle streams get a keep-alive comment every 200 ms. The test classes
 * share one application context of their own.
 */
@TestPropertySource(properties = {"condenser.webhooks.allow-private-targets=true",
        "condenser.webhooks.signing-secret=" + TestWebhooks.SIGNING_SECRET,
        "condenser.events.keep-alive=200ms", "condenser.events.poll-interval=500ms"})
public abstract class LiveEventsTestSupport extends IntegrationTestSupport {
}
