package io.condenser.security;

import java.util.Set;
import java.util.UUID;

/**
 * Who made a request: the API key that authenticated it, the tenant the key belongs to, and what it may do.
 *
 * @param requestsPerMinute the tenant's own request rate limit; null when it takes the configured default
 */
public record Caller(UUID keyId, UUID tenantId, Set<Scope> scopes, Integer requestsPerMinute) {

    /** The request attribute under which the authenticated caller is kept. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }
}
