package io.condenser.engine.data;

/** A dataset file that is not what Condenser reads: not .npy/.npz, a wrong dtype or shape, truncated, bad values. */
public class InvalidDatasetException extends RuntimeException {

    public InvalidDatasetException(String message) {
        super(message);
    }
}
