package io.condenser.job;

/** The life of a job: QUEUED → RUNNING → SUCCEEDED | FAILED, or → CANCELLING → CANCELLED. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLING, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
