package io.condenser.security;

import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.storage.ArtifactTooLargeException;
import io.condenser.storage.StoredArtifact;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Enforces a tenant's stored-bytes and concurrent-jobs quotas. The final checks run in the transaction that stores the
 * upload or queues the job, with the tenant's row locked, so that concurrent requests of one tenant cannot together
 * pass a limit each would pass alone. Models a job produces count towards the stored bytes but are never refused.
 */
@Component
public class TenantQuotas {

    private final JdbcClient jdbc;
    private final QuotaProperties defaults;

    public TenantQuotas(JdbcClient jdbc, QuotaProperties defaults) {
        this.jdbc = jdbc;
        this.defaults = defaults;
    }

    /**
     * The bytes the tenant may still store, for bounding an upload while it streams in; Long.MAX_VALUE when unlimited.
     *
     * @throws ProblemException QUOTA_EXCEEDED when nothing is left
     */
    private long remainingStorage(UUID tenantId) {
        Long limit = storageLimit(tenantId);
        if (limit == null) {
            return Long.MAX_VALUE;
        }
        long stored = storedBytes(tenantId);
        if (stored >= limit) {
            throw storageExceeded(stored, limit, 0);
        }
        return limit - stored;
    }

    /** Writes an upload of {@code maxBytes} at most. */
    @FunctionalInterface
    public interface BoundedWrite {
        StoredArtifact write(long maxBytes) throws IOException;
    }

    /**
     * Streams an upload into the store, refused before it starts when the tenant's storage is full and cut off as soon
     * as it exceeds what is left, so that an over-quota upload never fills the store. A request with an
     * Idempotency-Key is bounded by the upload limit only: it may be the retry of an upload that filled the quota,
     * which must be answered with what that upload created; {@link #reserveStorage} still refuses a new one.
     *
     * @throws ProblemException QUOTA_EXCEEDED
     */
    public StoredArtifact writeWithinStorage(UUID tenantId, long maxUploadBytes, boolean idempotent,
                                             BoundedWrite write) throws IOException {
        if (idempotent) {
            return write.write(maxUploadBytes);
        }
        long remaining = remainingStorage(tenantId);
        try {
            return write.write(Math.min(maxUploadBytes, remaining));
        } catch (ArtifactTooLargeException e) {
            if (remaining >= maxUploadBytes) {
                throw e;
            }
            throw exceeded("the upload is larger than the " + remaining + " bytes left of the tenant's storage"
                    + " quota; delete models or datasets first");
        }
    }

    /**
     * Checks, in the caller's transaction, that the tenant may store {@code bytes} more; locks the tenant's row until
     * that transaction ends.
     *
     * @throws ProblemException QUOTA_EXCEEDED
     */
    public void reserveStorage(UUID tenantId, long bytes) {
        Long limit = lockedTenantQuota(tenantId, "max_stored_bytes", Long.class);
        Long effective = limit != null ? limit : defaults.maxStoredBytes() == null ? null
                : defaults.maxStoredBytes().toBytes();
        if (effective == null) {
            return;
        }
        long stored = storedBytes(tenantId);
        if (stored + bytes > effective) {
            throw storageExceeded(stored, effective, bytes);
        }
    }

    /**
     * Checks, in the caller's transaction, that the tenant may have one more unfinished job; locks the tenant's row
     * until that transaction ends.
     *
     * @throws ProblemException QUOTA_EXCEEDED
     */
    public void reserveJobSlot(UUID tenantId) {
        Integer limit = lockedTenantQuota(tenantId, "max_concurrent_jobs", Integer.class);
        Integer effective = limit != null ? limit : defaults.maxConcurrentJobs();
        if (effective == null) {
            return;
        }
        long active = jdbc.sql("SELECT count(*) FROM jobs WHERE tenant_id = ?"
                        + " AND status IN ('QUEUED', 'RUNNING', 'CANCELLING')")
                .param(tenantId).query(Long.class).single();
        if (active >= effective) {
            throw exceeded("the tenant has " + active + " queued or running jobs, its limit is " + effective
                    + "; submit again when one has finished");
        }
    }

    private Long storageLimit(UUID tenantId) {
        Long own = tenantQuota("SELECT max_stored_bytes FROM tenants WHERE id = ?", tenantId, Long.class);
        return own != null ? own : defaults.maxStoredBytes() == null ? null : defaults.maxStoredBytes().toBytes();
    }

    private <T> T lockedTenantQuota(UUID tenantId, String column, Class<T> type) {
        return tenantQuota("SELECT " + column + " FROM tenants WHERE id = ? FOR UPDATE", tenantId, type);
    }

    /** A quota column of the tenant's row: null when the tenant has none of its own. */
    private <T> T tenantQuota(String query, UUID tenantId, Class<T> type) {
        return jdbc.sql(query).param(tenantId).query((rs, row) -> Optional.ofNullable(rs.getObject(1, type)))
                .single().orElse(null);
    }

    private long storedBytes(UUID tenantId) {
        return jdbc.sql("""
                        SELECT coalesce((SELECT sum(size_bytes) FROM models WHERE tenant_id = :tenant), 0)
                             + coalesce((SELECT sum(size_bytes) FROM datasets WHERE tenant_id = :tenant), 0)""")
                .param("tenant", tenantId).query(Long.class).single();
    }

    private ProblemException storageExceeded(long stored, long limit, long bytes) {
        return exceeded("the tenant stores " + stored + " of its " + limit + " bytes"
                + (bytes > 0 ? "; this upload of " + bytes + " bytes does not fit" : "")
                + "; delete models or datasets first");
    }

    private ProblemException exceeded(String detail) {
        return new ProblemException(ProblemType.QUOTA_EXCEEDED, detail)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, defaults.retryAfter().toSeconds())));
    }
}
