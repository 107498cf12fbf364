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
 * database, not in memory; the status event of a transition (and through it the job's webhook message) is written
 * in the same transaction.
 */
@Component
public class JobQueue {

    /** Channel on which new or re-queued jobs are announced; the payload is the job's device. */
    public static final String NEW_JOB_CHANNEL = "condenser_jobs";
    /** Channel on which cancellation requests are announced; the payload is the job id. */
    public static final String CANCEL_CHANNEL = "condenser_job_cancel";

    private final JdbcClient jdbc;
    private final JobStatusChanges statusChanges;

    public JobQueue(JdbcClient jdbc, JobStatusChanges statusChanges) {
        this.jdbc = jdbc;
        this.statusChanges = statusChanges;
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
                                    FOR UPDATE SKIP LOCKED)"""
                        + JobSnapshot.RETURNING)
                .param("token", token)
                .param("leaseSeconds", (double) lease.toMillis() / 1000.0)
                .param("preferred", preferred.wireName())
                .param("worker", workerId)
                .param("devices", servable)
                .query(JobSnapshot.ROW_MAPPER)
                .optional()
                .map(job -> {
                    statusChanges.record(job);
                    return new ClaimedJob(job.id(), token, job.attempts(), job.workerDevice());
                });
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

    /**
     * Stores a running job's progress, and with {@code recordEvent} also as a progress event (in the same statement).
     *
     * @return false when this worker no longer holds the lease
     */
    public boolean progress(ClaimedJob job, double fraction, String message, boolean recordEvent) {
        return jdbc.sql("""
                        WITH updated AS (
                            UPDATE jobs SET progress = :progress, progress_message = :message, updated_at = now()
                            WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')
                            RETURNING id, progress, progress_message),
                        recorded AS (
                            INSERT INTO job_events (job_id, type, data)
                            SELECT id, :type, jsonb_strip_nulls(jsonb_build_object('progress', progress,
                                                                                   'message', progress_message))
                            FROM updated WHERE :recordEvent)
                        SELECT count(*) FROM updated""")
                .param("progress", Math.clamp(fraction, 0.0, 1.0)).param("message", message)
                .param("id", job.id()).param("token", job.leaseToken())
                .param("type", JobEventLog.PROGRESS).param("recordEvent", recordEvent)
                .query(Long.class).single() == 1;
    }

    /**
     * Marks a running job succeeded. Refused (false) when the lease was lost or a cancel request arrived first: the
     * caller then discards its result.
     */
    @Transactional
    public boolean succeed(ClaimedJob job, UUID resultModelId) {
        return changed(jdbc.sql("""
                        UPDATE jobs SET status = 'SUCCEEDED', result_model_id = :result, progress = 1,
                               progress_message = 'done', finished_at = now(), updated_at = now(),
                               lease_owner = NULL, lease_expires_at = NULL
                        WHERE id = :id AND lease_owner = :token AND status = 'RUNNING'"""
                        + JobSnapshot.RETURNING)
                .param("result", resultModelId).param("id", job.id()).param("token", job.leaseToken()));
    }

    /** Marks a running (or cancelling) job failed with a problem detail (JSON). */
    @Transactional
    public boolean fail(ClaimedJob job, String problemJson) {
        return changed(jdbc.sql("""
                        UPDATE jobs SET status = 'FAILED', error = :error::jsonb, finished_at = now(),
                               updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')"""
                        + JobSnapshot.RETURNING)
                .param("error", problemJson).param("id", job.id()).param("token", job.leaseToken()));
    }

    /** Marks a job whose cancellation was requested as cancelled. */
    @Transactional
    public boolean cancelled(ClaimedJob job) {
        return changed(jdbc.sql("""
                        UPDATE jobs SET status = 'CANCELLED', progress_message = 'cancelled', finished_at = now(),
                               updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')"""
                        + JobSnapshot.RETURNING)
                .param("id", job.id()).param("token", job.leaseToken()));
    }

    /** Runs a transition's UPDATE … RETURNING and records the status event of the row it changed, if any. */
    private boolean changed(JdbcClient.StatementSpec transition) {
        return transition.query(JobSnapshot.ROW_MAPPER).optional().map(job -> {
            statusChanges.record(job);
            return true;
        }).orElse(false);
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
                        WHERE id = :id AND lease_owner = :token AND status IN ('RUNNING', 'CANCELLING')"""
                        + JobSnapshot.RETURNING)
                .param("id", job.id()).param("token", job.leaseToken())
                .query(JobSnapshot.ROW_MAPPER)
                .optional()
                .ifPresent(released -> {
                    statusChanges.record(released);
                    if (released.status() == JobStatus.QUEUED) {
                        announce(Device.fromWire(released.device()));
                    }
                });
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
                        WHERE id = :id AND status IN ('QUEUED', 'RUNNING')"""
                        + JobSnapshot.RETURNING)
                .param("id", id)
                .query(JobSnapshot.ROW_MAPPER)
                .optional()
                .map(changed -> {
                    statusChanges.record(changed);
                    return changed.status();
                });
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
        List<JobSnapshot> reaped = jdbc.sql("""
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
                                     FOR UPDATE SKIP LOCKED)"""
                        + JobSnapshot.RETURNING)
                .param("problem", workerLostProblemJson)
                .query(JobSnapshot.ROW_MAPPER)
                .list();
        reaped.forEach(statusChanges::record);
        reaped.stream().filter(job -> job.status() == JobStatus.QUEUED).map(JobSnapshot::device).distinct()
                .forEach(device -> announce(Device.fromWire(device)));
        return reaped.size();
    }
}
