package io.condenser.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * API key secrets: {@code cnd_} and 32 random bytes (base64url), 256 bits of entropy. Only their SHA-256 is stored. A
 * slow password hash (bcrypt, Argon2) protects guessable passwords against offline guessing; nothing can guess 256
 * random bits, so it would only add ~100 ms of CPU to every request (and bcrypt reads only the first 72 bytes).
 */
public final class ApiKeySecrets {

    /** The visible start of a key: shown in listings and used to find a presented key's candidate rows. */
    static final int PREFIX_LENGTH = 12;
    /** Configured keys must be at least this long: a SHA-256 without salt is safe only for high-entropy secrets. */
    static final int MIN_LENGTH = 32;

    private static final String KEY_START = "cnd_";
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{" + MIN_LENGTH + ",512}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecrets() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return KEY_START + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether a presented or configured value can be a key at all (long enough, visible ASCII). */
    public static boolean isWellFormed(String secret) {
        return secret != null && VALID.matcher(secret).matches();
    }

    public static String prefix(String secret) {
        return secret.substring(0, PREFIX_LENGTH);
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Compares in time independent of where the hashes differ. */
    static boolean matches(byte[] storedSha256, byte[] presentedSha256) {
        return MessageDigest.isEqual(storedSha256, presentedSha256);
    }
}
