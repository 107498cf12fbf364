package io.condenser.webhook;

/** Told when a webhook message was given up after its last attempt, in the transaction that marks it failed. */
public interface WebhookDeliveryListener {

    void givenUp(WebhookOutbox.Delivery delivery, Integer lastStatusCode, String lastError);
}
