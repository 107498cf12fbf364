package io.condenser.engine.train;

import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.data.SampleReader;
import java.io.IOException;
import java.util.Arrays;

/**
 * Labelled samples held in memory: every epoch visits them in a new random order, which a dataset streamed from its
 * (possibly compressed) archive cannot give.
 */
public final class TrainingData {

    private final float[] samples;
    private final long[] labels;
    private final int sampleElements;

    private TrainingData(float[] samples, long[] labels) {
        this.samples = samples;
        this.labels = labels;
        this.sampleElements = samples.length / labels.length;
    }

    /**
     * Reads every sample and label of a dataset.
     *
     * @throws IllegalArgumentException when the dataset has no labels or more values than one Java array holds
     */
    public static TrainingData read(NumpyDataset dataset) throws IOException {
        if (!dataset.labelled()) {
            throw new IllegalArgumentException("training needs a labelled dataset (x and y); this one has no y");
        }
        long values = dataset.sampleCount() * dataset.sampleElements();
        if (values > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the dataset holds " + values + " values; training reads at most "
                    + (Integer.MAX_VALUE - 8) + " into memory");
        }
        int count = Math.toIntExact(dataset.sampleCount());
        float[] x = new float[(int) values];
        long[] y = new long[count];
        try (SampleReader reader = dataset.reader()) {
            int read = reader.read(x, y, count);
            if (read != count) {
                throw new IllegalStateException("read " + read + " of " + count + " samples");
            }
        }
        return of(x, y);
    }

    /**
     * @param samples row-major samples, each of {@code samples.length / labels.length} values
     * @param labels  class indices, 0 or more
     */
    public static TrainingData of(float[] samples, long[] labels) {
        if (labels.length == 0 || samples.length == 0 || samples.length % labels.length != 0) {
            throw new IllegalArgumentException(samples.length + " values cannot be " + labels.length
                    + " samples of equal size");
        }
        if (Arrays.stream(labels).anyMatch(label -> label < 0)) {
            throw new IllegalArgumentException("labels are class indices and cannot be negative");
        }
        return new TrainingData(samples, labels);
    }

    public int size() {
        return labels.length;
    }

    public int sampleElements() {
        return sampleElements;
    }

    /** The largest label: the model's logits need at least one more class than this. */
    public long maxLabel() {
        return Arrays.stream(labels).max().orElseThrow();
    }

    long label(int sample) {
        return labels[sample];
    }

    /** Copies sample {@code sample} into {@code target} at {@code offset}. */
    void copySample(int sample, float[] target, int offset) {
        System.arraycopy(samples, sample * sampleElements, target, offset, sampleElements);
    }
}
