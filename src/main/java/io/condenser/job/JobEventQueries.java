package io.condenser.job;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads jobs' events (table job_events) in the order they happened. */
@Component
public class JobEventQueries {

    private static final String TERMINAL =
            "type = 'status' AND data ->> 'status' IN ('SUCCEEDED', 'FAILED', 'CANCELLED')";

    private final JdbcClient jdbc;

    public JobEventQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One stored event.
     *
     * @param data     the event's data as a JSON object
     * @param terminal whether it is the status event of the job's end, after which nothing but webhook failures follows
     */
    public record StoredEvent(long id, UUID jobId, String type, Instant createdAt, String data, boolean terminal) {
    }

    /** The job's events after the given id, oldest first. */
    public List<StoredEvent> after(UUID jobId, long afterId, int limit) {
        return jdbc.sql("SELECT id, job_id, type, created_at, data::text AS data, " + TERMINAL + " AS terminal"
                        + " FROM job_events WHERE job_id = :job AND id > :after ORDER BY id LIMIT :limit")
                .param("job", jobId).param("after", afterId).param("limit", limit)
                .query((rs, row) -> new StoredEvent(rs.getLong("id"), rs.getObject("job_id", UUID.class),
                        rs.getString("type"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getString("data"), rs.getBoolean("terminal")))
                .list();
    }

    /** The id of each given job's newest event; jobs without events are left out. */
    public Map<UUID, Long> newestIds(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        return jdbc.sql("SELECT job_id, max(id) AS newest FROM job_events WHERE job_id IN (:jobs) GROUP BY job_id")
                .param("jobs", jobIds)
                .query((rs, row) -> Map.entry(rs.getObject("job_id", UUID.class), rs.getLong("newest")))
                .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Whether the job's end was recorded at or before the given event (a client that has it has seen the end). */
    public boolean endedBy(UUID jobId, long eventId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM job_events WHERE job_id = :job AND id <= :id AND " + TERMINAL
                        + ")")
                .param("job", jobId).param("id", eventId)
                .query(Boolean.class).single();
    }
}
