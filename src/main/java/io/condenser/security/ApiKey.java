package io.condenser.security;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** What is shown of an API key: never its secret or hash, only the prefix that tells keys apart. */
public record ApiKey(UUID id, UUID tenantId, String name, String prefix, Set<Scope> scopes, Instant createdAt,
                     Instant lastUsedAt, Instant revokedAt) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
    }
}
