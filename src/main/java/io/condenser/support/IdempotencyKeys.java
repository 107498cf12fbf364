package io.condenser.support;

import io.condenser.problem.FieldProblem;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Idempotency keys of creating requests (the {@code Idempotency-Key} header): a pipeline that retries a request after
 * a timeout gets the resource its first attempt created instead of a second one. A key is remembered with a
 * fingerprint of its request; the same key with another request is refused. Keys are the tenant's own: two tenants
 * using the same key make two requests.
 */
@Component
public class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final JdbcClient jdbc;

    public IdempotencyKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A key as a tenant's request gave it; null when the request gave none. */
    public record Key(UUID tenantId, String scope, String value) {
    }

    /**
     * @return the key, or null when the header was absent
     * @throws ProblemException INVALID_REQUEST when the value is not 1 to 255 visible ASCII characters
     */
    public static Key of(UUID tenantId, String scope, String header) {
        if (header == null) {
            return null;
        }
        if (!VALID.matcher(header).matches()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, HEADER + " must be 1 to 255 visible ASCII"
                    + " characters", List.of(new FieldProblem(HEADER, "1 to 255 visible ASCII characters")));
        }
        return new Key(tenantId, scope, header);
    }

    /**
     * The resource an earlier request with this key created.
     *
     * @throws ProblemException IDEMPOTENCY_KEY_REUSED when that request was a different one
     */
    public Optional<UUID> earlier(Key key, String fingerprint) {
        if (key == null) {
            return Optional.empty();
        }
        record Row(String fingerprint, UUID resourceId) {
        }
        Optional<Row> row = jdbc.sql("SELECT fingerprint, resource_id FROM idempotency_keys"
                        + " WHERE tenant_id = ? AND scope = ? AND key = ?")
                .params(key.tenantId(), key.scope(), key.value()).query(Row.class).optional();
        if (row.isPresent() && !row.get().fingerprint().equals(fingerprint)) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REUSED, HEADER + " '" + key.value()
                    + "' was used for a different request; use a new key for a new request");
        }
        return row.map(Row::resourceId);
    }

    /**
     * The resource an earlier request with this key created, found by {@code find}; a key whose resource is gone is
     * forgotten, so that the request creates it anew.
     */
    public <T> Optional<T> earlierResource(Key key, String fingerprint, Function<UUID, Optional<T>> find) {
        Optional<UUID> id = earlier(key, fingerprint);
        Optional<T> resource = id.flatMap(find);
        if (id.isPresent() && resource.isEmpty()) {
            forget(key);
        }
        return resource;
    }

    /** The work of a creating request, which may fail on I/O. */
    @FunctionalInterface
    public interface Creation<T> {
        T create() throws IOException;
    }

    /**
     * Creates a resource once per key: an earlier request's resource is answered instead, found before the work or,
     * when a twin request committed first, after it ({@code create} calls {@link #remember} in the transaction that
     * stores the resource, which then fails on the key).
     *
     * @param discard undoes what this request stored before it turned out to be a replay (its uploaded files)
     */
    public <T> Submitted<T> createOnce(Key key, String fingerprint, Function<UUID, Optional<T>> find,
                                       Runnable discard, Creation<T> create) throws IOException {
        Optional<T> earlier = earlierResource(key, fingerprint, find);
        if (earlier.isPresent()) {
            discard.run();
            return Submitted.replayed(earlier.get());
        }
        try {
            return Submitted.created(create.create());
        } catch (DataIntegrityViolationException e) {
            Optional<T> twin = earlierResource(key, fingerprint, find);
            if (twin.isEmpty()) {
                throw e;
            }
            discard.run();
            return Submitted.replayed(twin.get());
        }
    }

    /** Remembers the key, in the transaction that creates the resource; a concurrent twin then fails on the key. */
    public void remember(Key key, String fingerprint, UUID resourceId) {
        if (key == null) {
            return;
        }
        jdbc.sql("INSERT INTO idempotency_keys (tenant_id, scope, key, fingerprint, resource_id, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, now())")
                .params(key.tenantId(), key.scope(), key.value(), fingerprint, resourceId).update();
    }

    /** A fingerprint of a request: the SHA-256 of its parts, which say what the request asks for. */
    public static String fingerprint(String... parts) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha256.update(part.getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Forgets a key whose resource is gone, so that the key can create it again. */
    public void forget(Key key) {
        if (key != null) {
            jdbc.sql("DELETE FROM idempotency_keys WHERE tenant_id = ? AND scope = ? AND key = ?")
                    .params(key.tenantId(), key.scope(), key.value()).update();
        }
    }
}
