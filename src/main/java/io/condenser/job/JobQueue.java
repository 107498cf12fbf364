package io.condenser.job;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The durable queue on the jobs table. Workers claim with {@code FOR UPDATE SKIP LOCKED}, so two workers never take
 * the same job; a claim is a lease that heartbeats extend; the reaper returns jobs whose lease expired. Every
 * transition is one conditional UPDATE, so concurrent transitions (a cancel racing a completion) resolve in the
 * database, not in memory.
 */
@Component
public class JobQueue {

    /** Channel on which new or re-queued jobs are announced; the payload is the job's device. */
    public static final String NEW_JOB_CHANNEL = "condenser_jobs";
    /** Channel on which cancellation requests are announced; the payload is the job id. */
    public static final String CANCEL_CHANNEL = "condenser_job_cancel";

    private final JdbcClient jdbc;

    public JobQueue(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Announces a job to idle workers; delivered when the caller's transaction commits. */
    public void announce(Device device) {
        jdbc.sql("SELECT pg_notify(:channel, :payload)")
                .param("channel", NEW_JOB_CHANNEL).param("payload", device.wireName()).query().singleRow();
    }

    /**
     * Claims the oldest queued job this worker can serve.
     *
     * @param devices   the devices the worker has, as job devices it can serve (auto is always servable)
     * @param preferred the device a job that says "auto" runs on here
     */
    @Transactional
    public Optional<ClaimedJob> claim(String workerId, Collection<Device> devices, Device preferred, Duration lease) {
        List<String> servable = devices.stream().map(Device::wireName).toList();
        String token = workerId + "/" + UUID.randomUUID();
        return jdbc.sql("""
                        UPDATE jobs SET status = 'RUNNING', lease_owner = :token,
                               lease_expires_at = now() + make_interval(secs => :leaseSeconds),
                               attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now(),
                               worker_device = CASE WHEN device = 'auto' THEN :preferred ELSE device END,
                               progress = 0, progress_message = 'claimed by ' || :worker, error = NULL
                        WHERE id = (SELECT id FROM jobs
                                    WHERE status = 'QUEUED' AND (device = 'auto' OR device IN (:devices))
                                    ORDER BY created_at, id
                                    LIMIT 1
                                    FOR UPDATE SKIP LOCKED)
                        RETURNING id, attempts, worker_device""")
                .param("token", token)
                .param("leaseSeconds", (double) lease.toMillis() / 1000.0)
                .param("preferred", preferred.wireName())
                .param("worker", workerId)
                .param("devices", servable)
                .query((rs, row) -> new ClaimedJob(rs.getObject("id", UUID.class), token, rs.getInt("attempts"),
                        rs.getString("worker_device")))
                .optional();
    }

    /**
     * Extends the lease of a running job.
     *
     * @return the job's status, or empty when this worker no longer holds the lease
     */
    public Optional<JobStatus> heartbeat(ClaimedJob job, Duration lease) {
        return jdbc.sql("""
                        UPDATE jobs SET lease_expires_at = now() + make_interval(secs => :leaseSeconds)
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')
                        RETURNING status""")
                .param("leaseSeconds", (double) lease.toMillis() / 1000.0)
                .param("id", job.id()).param("token", job.leaseToken())
                .query((rs, row) -> JobStatus.valueOf(rs.getString(1)))
                .optional();
    }

    /** @return false when this worker no longer holds the lease */
    public boolean progress(ClaimedJob job, double fraction, String message) {
        return jdbc.sql("""
                        UPDATE jobs SET progress = :progress, progress_message = :message, updated_at = now()
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')""")
                .param("progress", Math.clamp(fraction, 0.0, 1.0)).param("message", message)
                .param("id", job.id()).param("token", job.leaseToken())
                .update() == 1;
    }

    /**
     * Marks a running job succeeded. Refused (false) when the lease was lost or a cancel request arrived first: the
     * caller then discards its result.
     */
    public boolean succeed(ClaimedJob job, UUID resultModelId) {
        return jdbc.sql("""
                        UPDATE jobs SET status = 'SUCCEEDED', result_model_id = :result, progress = 1,
                               progress_message = 'done', finished_at = now(), updated_at = now(),
                               lease_owner = NULL, lease_expires_at = NULL
                        WHERE id = :id AND lease_owner = :token AND status = 'RUNNING'""")
                .param("result", resultModelId).param("id", job.id()).param("token", job.leaseToken())
                .update() == 1;
    }

    /** Marks a running (or cancelling) job failed with a problem detail (JSON). */
    public boolean fail(ClaimedJob job, String problemJson) {
        return jdbc.sql("""
                        UPDATE jobs SET status = 'FAILED', error = :error::jsonb, finished_at = now(),
                               updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')""")
                .param("error", problemJson).param("id", job.id()).param("token", job.leaseToken())
                .update() == 1;
    }

    /** Marks a job whose cancellation was requested as cancelled. */
    public boolean cancelled(ClaimedJob job) {
        return jdbc.sql("""
                        UPDATE jobs SET status = 'CANCELLED', progress_message = 'cancelled', finished_at = now(),
                               updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')""")
                .param("id", job.id()).param("token", job.leaseToken())
                .update() == 1;
    }

    /**
     * Gives a job back because its worker is shutting down: queued again without using up an attempt (or cancelled,
     * when that was requested meanwhile).
     */
    @Transactional
    public void release(ClaimedJob job) {
        jdbc.sql("""
                        UPDATE jobs SET status = CASE WHEN status = 'CANCELLING' THEN 'CANCELLED' ELSE 'QUEUED' END,
                               attempts = CASE WHEN status = 'RUNNING' THEN attempts - 1 ELSE attempts END,
                               finished_at = CASE WHEN status = 'CANCELLING' THEN now() ELSE NULL END,
                               progress = 0,
                               progress_message = CASE WHEN status = 'CANCELLING' THEN 'cancelled'
                                                       ELSE 'worker shut down; queued again' END,
                               lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')
                        RETURNING status, device""")
                .param("id", job.id()).param("token", job.leaseToken())
                .query((rs, row) -> rs.getString("status").equals("QUEUED") ? rs.getString("device") : "")
                .optional()
                .filter(device -> !device.isEmpty())
                .ifPresent(device -> announce(Device.fromWire(device)));
    }

    /**
     * Requests cancellation: a queued job is cancelled at once, a running one becomes CANCELLING and its worker is
     * told. Returns the status after the request, or empty when the job is not queued or running.
     */
    @Transactional
    public Optional<JobStatus> requestCancel(UUID id) {
        Optional<JobStatus> status = jdbc.sql("""
                        UPDATE jobs SET status = CASE WHEN status = 'QUEUED' THEN 'CANCELLED' ELSE 'CANCELLING' END,
                               finished_at = CASE WHEN status = 'QUEUED' THEN now() ELSE finished_at END,
                               progress_message = CASE WHEN status = 'QUEUED' THEN 'cancelled'
                                                       ELSE 'cancellation requested' END,
                               updated_at = now()
                        WHERE id = :id AND status IN ('QUEUED', 'RUNNING')
                        RETURNING status""")
                .param("id", id)
                .query((rs, row) -> JobStatus.valueOf(rs.getString(1)))
                .optional();
        if (status.filter(s -> s == JobStatus.CANCELLING).isPresent()) {
            jdbc.sql("SELECT pg_notify(:channel, :payload)")
                    .param("channel", CANCEL_CHANNEL).param("payload", id.toString()).query().singleRow();
        }
        return status;
    }

    /**
     * Returns jobs whose lease expired: a cancelling one becomes CANCELLED, one with attempts left is queued again,
     * the others FAILED with the given problem. Announces re-queued jobs.
     *
     * @return how many jobs were reaped
     */
    @Transactional
    public int reapExpiredLeases(String workerLostProblemJson) {
        List<String> requeued = jdbc.sql("""
                        UPDATE jobs SET
                            status = CASE WHEN status = 'CANCELLING' THEN 'CANCELLED'
                                          WHEN attempts >= max_attempts THEN 'FAILED'
                                          ELSE 'QUEUED' END,
                            error = CASE WHEN status = 'RUNNING' AND attempts >= max_attempts
                                         THEN :problem::jsonb ELSE error END,
                            finished_at = CASE WHEN status = 'RUNNING' AND attempts < max_attempts
                                               THEN NULL ELSE now() END,
                            progress = CASE WHEN status = 'RUNNING' AND attempts < max_attempts THEN 0 ELSE progress END,
                            progress_message = CASE WHEN status = 'CANCELLING' THEN 'cancelled'
                                                    WHEN attempts >= max_attempts THEN 'worker lost'
                                                    ELSE 'worker lost; queued again' END,
                            lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                        WHERE id IN (SELECT id FROM jobs
                                     WHERE status IN ('RUNNING', 'CANCELLING') AND lease_expires_at < now()
                                     FOR UPDATE SKIP LOCKED)
                        RETURNING status, device""")
                .param("problem", workerLostProblemJson)
                .query((rs, row) -> rs.getString("status") + "/" + rs.getString("device"))
                .list();
        requeued.stream().filter(s -> s.startsWith("QUEUED/")).map(s -> s.substring("QUEUED/".length()))
                .distinct().forEach(device -> announce(Device.fromWire(device)));
        return requeued.size();
    }
}
