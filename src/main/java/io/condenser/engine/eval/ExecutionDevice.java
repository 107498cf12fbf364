package io.condenser.engine.eval;

/** A kind of device a model can run on. */
public enum ExecutionDevice {
    CPU, GPU
}
