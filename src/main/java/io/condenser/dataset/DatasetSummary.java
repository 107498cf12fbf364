package io.condenser.dataset;

import io.condenser.engine.data.DatasetInspection;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inspection kept with a dataset, as stored (JSON) and shown by the API.
 *
 * @param labelCounts samples per class label (keys are the labels as text, as JSON object keys must be)
 */
public record DatasetSummary(long sampleCount, List<Long> sampleShape, boolean labelled, int classCount,
                             Map<String, Long> labelCounts, double minimum, double maximum, double mean) {

    public static DatasetSummary of(DatasetInspection inspection) {
        Map<String, Long> counts = new LinkedHashMap<>();
        inspection.labelCounts().forEach((label, count) -> counts.put(Long.toString(label), count));
        return new DatasetSummary(inspection.sampleCount(), Arrays.stream(inspection.sampleShape()).boxed().toList(),
                inspection.labelled(), counts.size(), counts, inspection.minimum(), inspection.maximum(),
                inspection.mean());
    }
}
