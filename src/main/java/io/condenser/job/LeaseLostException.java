package io.condenser.job;

import io.condenser.engine.TaskCancelledException;

/** This worker no longer holds the job's lease (the reaper re-queued it): stop and write nothing. */
public class LeaseLostException extends TaskCancelledException {

    public LeaseLostException(String message) {
        super(message);
    }
}
