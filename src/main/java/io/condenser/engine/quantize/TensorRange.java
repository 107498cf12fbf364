package io.condenser.engine.quantize;

/** The range [min, max] of real values a tensor is quantized to. */
public record TensorRange(float min, float max) {

    public TensorRange {
        if (!(min <= max)) {
            throw new IllegalArgumentException("range [" + min + ", " + max + "] is empty");
        }
    }

    /** The larger magnitude of the two ends. */
    public float absMax() {
        return Math.max(Math.abs(min), Math.abs(max));
    }
}
