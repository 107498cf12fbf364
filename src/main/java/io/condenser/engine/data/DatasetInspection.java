package io.condenser.engine.data;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a dataset holds, found by reading all of it once.
 *
 * @param labelCounts samples per class label; empty without labels
 */
public record DatasetInspection(NumpyDataset.Format format, long sampleCount, long[] sampleShape, boolean labelled,
                                SortedMap<Long, Long> labelCounts, double minimum, double maximum, double mean) {

    public DatasetInspection {
        sampleShape = sampleShape.clone();
        labelCounts = Collections.unmodifiableSortedMap(new TreeMap<>(labelCounts));
    }
}
