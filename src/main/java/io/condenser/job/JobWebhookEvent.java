package io.condenser.job;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The job status changes a webhook can ask for, by the names its messages carry as {@code type}. */
public enum JobWebhookEvent {
    RUNNING("job.running", JobStatus.RUNNING),
    SUCCEEDED("job.succeeded", JobStatus.SUCCEEDED),
    FAILED("job.failed", JobStatus.FAILED),
    CANCELLED("job.cancelled", JobStatus.CANCELLED);

    /** What a webhook that names no events is sent: the end of the job, however it ended. */
    public static final List<JobWebhookEvent> DEFAULT = List.of(SUCCEEDED, FAILED, CANCELLED);

    private final String wireName;
    private final JobStatus status;

    JobWebhookEvent(String wireName, JobStatus status) {
        this.wireName = wireName;
        this.status = status;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<JobWebhookEvent> fromWire(String name) {
        return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst();
    }

    static Optional<JobWebhookEvent> of(JobStatus status) {
        return Arrays.stream(values()).filter(e -> e.status == status).findFirst();
    }
}
