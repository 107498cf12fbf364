package io.condenser.webhook;

/** A webhook URL that may not be called: not http(s), or its host is (or resolves to) an internal address. */
public class RefusedWebhookTargetException extends RuntimeException {

    public RefusedWebhookTargetException(String reason) {
        super(reason);
    }
}
