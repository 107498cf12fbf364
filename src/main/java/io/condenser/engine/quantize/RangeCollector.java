package io.condenser.engine.quantize;

/**
 * Collects the values one tensor takes over the calibration batches and chooses the range to quantize it to. Memory
 * does not depend on how many values are added; non-finite values are ignored.
 */
interface RangeCollector {

    void add(float[] values);

    /** The chosen range; [0, 0] when no finite value was added. */
    TensorRange range();
}
