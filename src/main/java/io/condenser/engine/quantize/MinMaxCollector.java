package io.condenser.engine.quantize;

/** The smallest and largest finite value seen. */
final class MinMaxCollector implements RangeCollector {

    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;

    @Override
    public void add(float[] values) {
        for (float value : values) {
            if (Float.isFinite(value)) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }
    }

    @Override
    public TensorRange range() {
        return min > max ? new TensorRange(0, 0) : new TensorRange(min, max);
    }
}
