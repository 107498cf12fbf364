package io.condenser.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/**
 * Gathers samples by index into one input batch of the model's per-sample shape (MNIST's [784] rows feed a
 * [1, 28, 28] input when the element counts agree) and their labels into an int64 vector.
 */
final class BatchAssembler {

    private final TrainingData data;
    private final Shape sampleShape;
    private final float[] values;

    BatchAssembler(TrainingData data, Shape sampleShape, int batchSize) {
        if (sampleShape.size() != data.sampleElements()) {
            throw new IllegalArgumentException("the samples have " + data.sampleElements() + " values each, which"
                    + " cannot be the model's input " + sampleShape + " (" + sampleShape.size() + " values)");
        }
        this.data = data;
        this.sampleShape = sampleShape;
        this.values = new float[Math.multiplyExact(batchSize, data.sampleElements())];
    }

    /** One batch, created in {@code manager}: {@code count} samples starting at {@code order[from]}. */
    Batch assemble(NDManager manager, int[] order, int from, int count) {
        int elements = data.sampleElements();
        long[] labels = new long[count];
        for (int i = 0; i < count; i++) {
            int sample = order[from + i];
            data.copySample(sample, values, i * elements);
            labels[i] = data.label(sample);
        }
        long[] dims = new long[sampleShape.dimension() + 1];
        dims[0] = count;
        System.arraycopy(sampleShape.getShape(), 0, dims, 1, sampleShape.dimension());
        NDArray input = manager.create(FloatBuffer.wrap(values, 0, count * elements), new Shape(dims));
        return new Batch(input, manager.create(labels), labels);
    }

    /** @param labelValues the labels on the host, to count correct predictions without reading them back */
    record Batch(NDArray input, NDArray labels, long[] labelValues) {
    }
}
