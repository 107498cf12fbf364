package io.condenser.engine.eval;

import java.util.Map;

/**
 * How a comparison is run.
 *
 * @param samples     synthetic samples for the fidelity comparison
 * @param batchSize   the larger batch size latency is measured at, besides 1
 * @param latencyRuns timed runs per model and batch size
 * @param warmupRuns  untimed runs first (session warm-up, allocator growth)
 * @param dimensions  sizes of symbolic input dimensions other than the batch
 */
public record EvaluationSettings(int samples, int batchSize, int latencyRuns, int warmupRuns,
                                 Map<String, Integer> dimensions, long seed) {

    public EvaluationSettings {
        if (samples < 1 || batchSize < 1 || latencyRuns < 1 || warmupRuns < 0) {
            throw new IllegalArgumentException("samples, batchSize and latencyRuns must be positive");
        }
        dimensions = Map.copyOf(dimensions);
    }

    public static EvaluationSettings defaults() {
        return new EvaluationSettings(64, 32, 30, 3, Map.of(), 42);
    }
}
