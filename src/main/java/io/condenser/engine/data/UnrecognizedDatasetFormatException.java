package io.condenser.engine.data;

/** A file that is neither a NumPy .npy array nor a zip archive (.npz). */
public class UnrecognizedDatasetFormatException extends InvalidDatasetException {

    public UnrecognizedDatasetFormatException(String message) {
        super(message);
    }
}
