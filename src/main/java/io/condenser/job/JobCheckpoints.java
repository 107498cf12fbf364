package io.condenser.job;

import io.condenser.storage.ArtifactCleanup;
import io.condenser.storage.ArtifactStore;
import io.condenser.storage.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where training steps keep their per-epoch checkpoints: the bytes in the artifact store under a key of their own (no
 * save ever writes over another's object), a row per job step pointing at the latest. Only the worker holding the
 * job's lease can move the row, so a worker that lost its lease and still runs can neither overwrite nor delete what
 * its successor resumes from.
 */
@Component
public class JobCheckpoints {

    private final JdbcClient jdbc;
    private final ArtifactStore store;
    private final ArtifactCleanup cleanup;
    private final TransactionTemplate transactions;

    public JobCheckpoints(JdbcClient jdbc, ArtifactStore store, ArtifactCleanup cleanup,
                          TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.store = store;
        this.cleanup = cleanup;
        this.transactions = transactions;
    }

    /** A checkpoint found for a step. */
    public record Checkpoint(int epoch, String storageKey) {
    }

    public Optional<Checkpoint> latest(UUID jobId, int stepIndex) {
        return jdbc.sql("SELECT epoch, storage_key FROM job_checkpoints WHERE job_id = ? AND step_index = ?")
                .params(jobId, stepIndex)
                .query((rs, row) -> new Checkpoint(rs.getInt("epoch"), rs.getString("storage_key")))
                .optional();
    }

    public InputStream open(Checkpoint checkpoint) throws IOException {
        return store.read(checkpoint.storageKey()).getInputStream();
    }

    /**
     * Stores the checkpoint of an epoch under a new key and points the step's row at it, then removes the object it
     * replaces: the row never points at an object that is being written or removed.
     *
     * @throws LeaseLostException when the claim no longer holds the job; the written object is removed
     */
    public void save(ClaimedJob claim, int stepIndex, int epoch, InputStream content) throws IOException {
        String key = "jobs/" + claim.id() + "/checkpoints/step-" + stepIndex + "-attempt-" + claim.attempt()
                + "-epoch-" + epoch + "-" + UUID.randomUUID();
        StoredArtifact stored = store.write(key, content, Long.MAX_VALUE);
        Optional<String> replaced;
        try {
            replaced = transactions.execute(status -> upsert(claim, stepIndex, epoch, stored));
        } catch (RuntimeException e) {
            cleanup.deleteQuietly(key);
            throw e;
        }
        replaced.ifPresent(cleanup::deleteQuietly);
    }

    private Optional<String> upsert(ClaimedJob claim, int stepIndex, int epoch, StoredArtifact stored) {
        Optional<String> previous = jdbc.sql("""
                        SELECT c.storage_key FROM job_checkpoints c
                        WHERE c.job_id = ? AND c.step_index = ? FOR UPDATE""")
                .params(claim.id(), stepIndex).query(String.class).optional();
        int updated = jdbc.sql("""
                        INSERT INTO job_checkpoints (job_id, step_index, epoch, storage_key, size_bytes, created_at)
                        SELECT id, :step, :epoch, :key, :size, now() FROM jobs
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')
                        ON CONFLICT (job_id, step_index) DO UPDATE
                            SET epoch = excluded.epoch, storage_key = excluded.storage_key,
                                size_bytes = excluded.size_bytes, created_at = excluded.created_at""")
                .param("step", stepIndex).param("epoch", epoch).param("key", stored.key())
                .param("size", stored.sizeBytes()).param("id", claim.id()).param("token", claim.leaseToken())
                .update();
        if (updated == 0) {
            throw new LeaseLostException("the job's lease moved on; checkpoint of epoch " + epoch + " dropped");
        }
        return previous;
    }

    /**
     * Removes the checkpoints of jobs that reached a final state, whoever brought them there (a worker, a cancel, or
     * the reaper giving up on a job whose workers kept dying).
     *
     * @return how many checkpoints were removed
     */
    public int deleteOfFinishedJobs() {
        List<String> keys = jdbc.sql("""
                        DELETE FROM job_checkpoints c USING jobs j
                        WHERE c.job_id = j.id AND j.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
                        RETURNING c.storage_key""")
                .query(String.class).list();
        keys.forEach(cleanup::deleteQuietly);
        return keys.size();
    }
}
