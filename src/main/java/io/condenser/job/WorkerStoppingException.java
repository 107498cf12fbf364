package io.condenser.job;

import io.condenser.engine.TaskCancelledException;

/** The worker is shutting down: the job goes back to the queue without using up an attempt. */
public class WorkerStoppingException extends TaskCancelledException {

    public WorkerStoppingException(String message) {
        super(message);
    }
}
