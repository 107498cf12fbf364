package io.condenser.engine.eval;

import java.util.List;

/**
 * A model's size and speed, and its accuracy when it was evaluated on a labelled dataset.
 *
 * @param accuracy null without labels
 */
public record ModelMeasurement(long fileSizeBytes, long parameterCount, long initializerBytes,
                               List<LatencyStats> latency, AccuracyReport accuracy) {

    public ModelMeasurement {
        latency = List.copyOf(latency);
    }
}
