package io.condenser.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;

/**
 * A job's row as a transition left it, read back with {@code RETURNING} in the same statement, so the events and
 * webhooks of the transition describe exactly the state it committed.
 *
 * @param errorJson the failure as a problem-detail JSON object, or null
 */
public record JobSnapshot(UUID id, JobStatus status, UUID modelId, String device, String workerDevice, int attempts,
                          String message, String errorJson, UUID resultModelId, Instant createdAt, Instant startedAt,
                          Instant finishedAt) {

    /** A {@code RETURNING} clause of the columns {@link #ROW_MAPPER} reads, to append to an UPDATE. */
    static final String RETURNING = " RETURNING id, status, model_id, device, worker_device, attempts,"
            + " progress_message, error::text AS error, result_model_id, created_at, started_at, finished_at";

    static final RowMapper<JobSnapshot> ROW_MAPPER = JobSnapshot::read;

    static JobSnapshot of(JobEntity job) {
        return new JobSnapshot(job.getId(), job.getStatus(), job.getModelId(), job.getDevice().wireName(),
                job.getWorkerDevice(), job.getAttempts(), job.getProgressMessage(), job.getError(),
                job.getResultModelId(), job.getCreatedAt(), job.getStartedAt(), job.getFinishedAt());
    }

    private static JobSnapshot read(ResultSet rs, int row) throws SQLException {
        return new JobSnapshot(rs.getObject("id", UUID.class), JobStatus.valueOf(rs.getString("status")),
                rs.getObject("model_id", UUID.class), rs.getString("device"), rs.getString("worker_device"),
                rs.getInt("attempts"), rs.getString("progress_message"), rs.getString("error"),
                rs.getObject("result_model_id", UUID.class), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
