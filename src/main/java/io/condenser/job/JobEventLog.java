package io.condenser.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a job's events (table job_events). Every insert runs while its transaction holds the job's row lock, so the
 * events of one job get their ids in commit order and a reader that has seen id n never sees a smaller id appear
 * later: a status change updates the row, the other inserts lock it first. A trigger announces each insert on
 * {@value #CHANNEL} when it commits.
 */
@Component
public class JobEventLog {

    /** The PostgreSQL channel on which the id of a job with a new event is announced (see the V5 migration). */
    public static final String CHANNEL = "condenser_job_events";
    public static final String STATUS = "status";
    public static final String PROGRESS = "progress";
    public static final String LOG = "log";
    public static final String WEBHOOK = "webhook";

    private static final Set<String> SERVICE_TYPES = Set.of(STATUS, PROGRESS, LOG, WEBHOOK);
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public JobEventLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records a status change. Call it in the transaction of the change, after the update that made it. */
    void status(JobSnapshot job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", job.status().name());
        data.put("attempt", job.attempts());
        if (job.workerDevice() != null && job.status() != JobStatus.QUEUED) {
            data.put("workerDevice", job.workerDevice());
        }
        if (job.message() != null) {
            data.put("message", job.message());
        }
        if (job.errorJson() != null) {
            data.put("error", json.readTree(job.errorJson()));
        }
        if (job.resultModelId() != null) {
            data.put("resultModelId", job.resultModelId());
        }
        jdbc.sql("INSERT INTO job_events (job_id, type, data) VALUES (:job, :type, :data::jsonb)")
                .param("job", job.id()).param("type", STATUS).param("data", json.writeValueAsString(data))
                .update();
    }

    /**
     * Records an event of a job this worker holds the lease of.
     *
     * @return false, recording nothing, when the lease was lost
     */
    public boolean record(ClaimedJob claim, String type, Map<String, ?> data) {
        return jdbc.sql("""
                        WITH held AS (SELECT id FROM jobs WHERE id = :id AND lease_owner = :token FOR UPDATE)
                        INSERT INTO job_events (job_id, type, data) SELECT id, :type, :data::jsonb FROM held""")
                .param("id", claim.id()).param("token", claim.leaseToken())
                .param("type", type).param("data", json.writeValueAsString(data))
                .update() == 1;
    }

    /** Records an event about a job from outside its run (e.g. a webhook that could not be delivered). */
    public void record(UUID jobId, String type, Map<String, ?> data) {
        jdbc.sql("""
                        WITH job AS (SELECT id FROM jobs WHERE id = :id FOR UPDATE)
                        INSERT INTO job_events (job_id, type, data) SELECT id, :type, :data::jsonb FROM job""")
                .param("id", jobId).param("type", type).param("data", json.writeValueAsString(data))
                .update();
    }

    /**
     * @throws IllegalArgumentException unless the type is a lowercase name that the service does not record itself
     */
    static void requireStepEventType(String type) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("an event type is a lowercase name of at most 40 characters"
                    + " (a-z, 0-9, '-'), not '" + type + "'");
        }
        if (SERVICE_TYPES.contains(type)) {
            throw new IllegalArgumentException("'" + type + "' events are recorded by the service itself");
        }
    }
}
