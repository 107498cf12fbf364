package io.condenser.engine.onnx;

/** The bytes or the graph are not a usable ONNX model; the message says why, for the user. */
public class InvalidModelException extends RuntimeException {

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
