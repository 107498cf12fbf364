package io.condenser.security;

import java.util.Arrays;
import java.util.Locale;

/**
 * What an API key may do. Scopes are independent: a key has each it needs. {@code read}: every GET; {@code write}:
 * uploads, job submission, cancel, delete; {@code admin}: tenants and keys of every tenant (an operator's role).
 */
public enum Scope {
    READ, WRITE, ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name that is not a scope */
    public static Scope fromWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown scope '" + name + "'"));
    }
}
