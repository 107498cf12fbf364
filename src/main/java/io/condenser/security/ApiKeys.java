package io.condenser.security;

import io.condenser.problem.ProblemException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating, listing, revoking and checking API keys. Secrets leave only once, in the answer that creates them. */
@Service
public class ApiKeys {

    private final JdbcClient jdbc;
    private final Tenants tenants;

    public ApiKeys(JdbcClient jdbc, Tenants tenants) {
        this.jdbc = jdbc;
        this.tenants = tenants;
    }

    /** A key just created, with the secret the caller must keep: it cannot be shown again. */
    public record CreatedKey(ApiKey key, String secret) {
    }

    /** @throws ProblemException NOT_FOUND for an unknown tenant */
    public CreatedKey create(UUID tenantId, String name, Set<Scope> scopes) {
        tenants.get(tenantId);
        String secret = ApiKeySecrets.generate();
        UUID id = insert(tenantId, name, secret, scopes);
        return new CreatedKey(find(tenantId, id).orElseThrow(), secret);
    }

    /**
     * Stores a key whose secret is configured (the admin key), unless it is stored already, and revokes the tenant's
     * active keys stored under the same name before it: rotating the configured key must take the scopes of the
     * previous one (possibly leaked) away, not leave both working. Only earlier ones: a replica that restarts with the
     * old value during a rollout must not revoke the new key. A configured key that was revoked stays revoked:
     * configure another one to recover.
     *
     * @return how many previously configured keys were revoked
     */
    @Transactional
    public int ensure(UUID tenantId, String name, String secret, Set<Scope> scopes) {
        byte[] sha256 = ApiKeySecrets.sha256(secret);
        jdbc.sql("""
                        INSERT INTO api_keys (id, tenant_id, name, prefix, secret_sha256, scopes, created_at)
                        VALUES (?, ?, ?, ?, ?, string_to_array(?, ','), clock_timestamp())
                        ON CONFLICT (secret_sha256) DO NOTHING""")
                .params(UUID.randomUUID(), tenantId, name, ApiKeySecrets.prefix(secret), sha256, wire(scopes))
                .update();
        return jdbc.sql("""
                        UPDATE api_keys SET revoked_at = clock_timestamp()
                        WHERE tenant_id = ? AND name = ? AND revoked_at IS NULL
                          AND created_at < (SELECT created_at FROM api_keys WHERE secret_sha256 = ?)""")
                .params(tenantId, name, sha256)
                .update();
    }

    /** @throws ProblemException NOT_FOUND for an unknown tenant */
    public List<ApiKey> list(UUID tenantId) {
        tenants.get(tenantId);
        return jdbc.sql("SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id").param(tenantId)
                .query(ApiKeys::key).list();
    }

    /** Revokes a key of the tenant; revoking a revoked key changes nothing. */
    public void revoke(UUID tenantId, UUID keyId) {
        find(tenantId, keyId).orElseThrow(() -> ProblemException.notFound("API key", keyId));
        jdbc.sql("UPDATE api_keys SET revoked_at = clock_timestamp() WHERE id = ? AND revoked_at IS NULL")
                .param(keyId).update();
    }

    public boolean anyActive() {
        return jdbc.sql("SELECT exists (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)").query(Boolean.class)
                .single();
    }

    /**
     * The caller a presented secret authenticates: an active key whose hash matches, found by its prefix and compared
     * in constant time. Records when the key was last used (at most once a minute, not a write per request).
     */
    public Optional<Caller> authenticate(String presented) {
        if (!ApiKeySecrets.isWellFormed(presented)) {
            return Optional.empty();
        }
        byte[] presentedHash = ApiKeySecrets.sha256(presented);
        record Candidate(UUID id, UUID tenantId, byte[] sha256, Set<Scope> scopes, Integer requestsPerMinute) {
        }
        List<Candidate> candidates = jdbc.sql("""
                        SELECT k.id, k.tenant_id, k.secret_sha256, k.scopes, t.requests_per_minute
                        FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
                        WHERE k.prefix = ? AND k.revoked_at IS NULL""")
                .param(ApiKeySecrets.prefix(presented))
                .query((rs, row) -> new Candidate(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                        rs.getBytes("secret_sha256"), scopes(rs), rs.getObject("requests_per_minute", Integer.class)))
                .list();
        Optional<Candidate> match = candidates.stream()
                .filter(c -> ApiKeySecrets.matches(c.sha256(), presentedHash)).findFirst();
        match.ifPresent(c -> jdbc.sql("""
                        UPDATE api_keys SET last_used_at = clock_timestamp()
                        WHERE id = ?
                          AND (last_used_at IS NULL OR last_used_at < clock_timestamp() - interval '1 minute')""")
                .param(c.id()).update());
        return match.map(c -> new Caller(c.id(), c.tenantId(), c.scopes(), c.requestsPerMinute()));
    }

    private UUID insert(UUID tenantId, String name, String secret, Set<Scope> scopes) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO api_keys (id, tenant_id, name, prefix, secret_sha256, scopes, created_at)
                        VALUES (?, ?, ?, ?, ?, string_to_array(?, ','), clock_timestamp())""")
                .params(id, tenantId, name, ApiKeySecrets.prefix(secret), ApiKeySecrets.sha256(secret), wire(scopes))
                .update();
        return id;
    }

    private Optional<ApiKey> find(UUID tenantId, UUID keyId) {
        return jdbc.sql("SELECT * FROM api_keys WHERE tenant_id = ? AND id = ?").params(tenantId, keyId)
                .query(ApiKeys::key).optional();
    }

    private static String wire(Collection<Scope> scopes) {
        return scopes.stream().map(Scope::wireName).sorted().collect(Collectors.joining(","));
    }

    private static Set<Scope> scopes(ResultSet rs) throws SQLException {
        String[] names = (String[]) rs.getArray("scopes").getArray();
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream(names).map(Scope::fromWire).forEach(scopes::add);
        return scopes;
    }

    private static ApiKey key(ResultSet rs, int row) throws SQLException {
        return new ApiKey(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getString("name"),
                rs.getString("prefix"), scopes(rs), rs.getTimestamp("created_at").toInstant(),
                instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
