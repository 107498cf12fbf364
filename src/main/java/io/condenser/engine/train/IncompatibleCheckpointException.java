package io.condenser.engine.train;

/** A checkpoint that cannot continue this run: another model, another data split, or not a checkpoint at all. */
public class IncompatibleCheckpointException extends RuntimeException {

    public IncompatibleCheckpointException(String message) {
        super(message);
    }
}
