package io.condenser.engine;

/** Thrown by {@link TaskMonitor#checkCancelled()} when the work was asked to stop. */
public class TaskCancelledException extends RuntimeException {

    public TaskCancelledException(String message) {
        super(message);
    }
}
