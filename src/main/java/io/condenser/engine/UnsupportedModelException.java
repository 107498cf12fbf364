package io.condenser.engine;

/** The model is valid, but the requested method cannot be applied to it; the message says why, for the user. */
public class UnsupportedModelException extends RuntimeException {

    public UnsupportedModelException(String message) {
        super(message);
    }
}
