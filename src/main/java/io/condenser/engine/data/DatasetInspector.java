package io.condenser.engine.data;

import io.condenser.engine.TaskMonitor;
import java.io.IOException;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a whole dataset once to describe it and to refuse what would poison calibration or accuracy later: NaN or
 * infinite samples, negative labels, or labels that are not class indices.
 */
public final class DatasetInspector {

    /** More distinct labels than this means y holds something other than class indices. */
    public static final int MAX_CLASSES = 100_000;
    private static final int BATCH = 256;

    private DatasetInspector() {
    }

    public static DatasetInspection inspect(NumpyDataset dataset, TaskMonitor monitor) throws IOException {
        int elements = dataset.sampleElements();
        int batch = Math.max(1, Math.min(BATCH, (1 << 24) / elements));
        float[] x = new float[batch * elements];
        long[] y = new long[batch];
        SortedMap<Long, Long> labelCounts = new TreeMap<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long seen = 0;
        try (SampleReader reader = dataset.reader()) {
            int count;
            while ((count = reader.read(x, y, batch)) > 0) {
                monitor.checkCancelled();
                for (int i = 0; i < count * elements; i++) {
                    float value = x[i];
                    if (!Float.isFinite(value)) {
                        throw new InvalidDatasetException("x holds " + value + " in sample " + (seen + i / elements)
                                + "; samples must be finite");
                    }
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                    sum += value;
                }
                if (dataset.labelled()) {
                    countLabels(y, count, seen, labelCounts);
                }
                seen += count;
                monitor.progress((double) seen / dataset.sampleCount(), "reading the dataset");
            }
        }
        return new DatasetInspection(dataset.format(), dataset.sampleCount(), dataset.sampleShape(),
                dataset.labelled(), labelCounts, min, max, sum / ((double) seen * elements));
    }

    private static void countLabels(long[] y, int count, long offset, SortedMap<Long, Long> labelCounts) {
        for (int i = 0; i < count; i++) {
            if (y[i] < 0) {
                throw new InvalidDatasetException("y holds the label " + y[i] + " for sample " + (offset + i)
                        + "; labels are class indices from 0");
            }
            labelCounts.merge(y[i], 1L, Long::sum);
        }
        if (labelCounts.size() > MAX_CLASSES) {
            throw new InvalidDatasetException("y holds more than " + MAX_CLASSES
                    + " distinct labels; labels are class indices");
        }
    }
}
