package io.condenser.engine.eval;

import java.util.List;

/** A model's size and speed. */
public record ModelMeasurement(long fileSizeBytes, long parameterCount, long initializerBytes,
                               List<LatencyStats> latency) {

    public ModelMeasurement {
        latency = List.copyOf(latency);
    }
}
