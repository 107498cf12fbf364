package io.condenser.webhook;

import java.util.Base64;

/** Webhook secrets as the Standard Webhooks specification writes them: {@code whsec_} and the key in base64. */
public final class WebhookSecret {

    public static final String PREFIX = "whsec_";
    private static final int MIN_KEY_BYTES = 24;
    private static final int MAX_KEY_BYTES = 64;

    private WebhookSecret() {
    }

    /**
     * @return the HMAC key the secret encodes
     * @throws IllegalArgumentException saying what is wrong with the secret (never the secret itself)
     */
    public static byte[] key(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("must be '" + PREFIX + "' followed by the base64 of " + MIN_KEY_BYTES
                    + " to " + MAX_KEY_BYTES + " random bytes");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the part after '" + PREFIX + "' is not base64");
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("the key must be " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES
                    + " bytes, not " + key.length);
        }
        return key;
    }
}
