package io.condenser.engine.graph;

/** A node that cannot be executed as written; collected per node so that one refusal names every offending op. */
public class UnsupportedOpException extends RuntimeException {

    public UnsupportedOpException(String reason) {
        super(reason);
    }
}
