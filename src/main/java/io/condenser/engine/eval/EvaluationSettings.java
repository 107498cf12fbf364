package io.condenser.engine.eval;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a comparison is run.
 *
 * @param samples     samples for the fidelity (and accuracy) comparison; with a dataset, at most this many of its
 *                    samples ({@link #ALL_SAMPLES} for all)
 * @param batchSize   the larger batch size latency is measured at, besides 1
 * @param latencyRuns timed runs per model and batch size
 * @param warmupRuns  untimed runs first (session warm-up, allocator growth)
 * @param dimensions  sizes of symbolic input dimensions other than the batch, for synthetic inputs
 * @param dataset     a .npz/.npy dataset to compare on instead of synthetic inputs; null for synthetic inputs
 * @param output      the output holding class scores, for accuracy; null for the first output
 */
public record EvaluationSettings(int samples, int batchSize, int latencyRuns, int warmupRuns,
                                 Map<String, Integer> dimensions, long seed, Path dataset, String output) {

    public static final int ALL_SAMPLES = Integer.MAX_VALUE;

    public EvaluationSettings {
        if (samples < 1 || batchSize < 1 || latencyRuns < 1 || warmupRuns < 0) {
            throw new IllegalArgumentException("samples, batchSize and latencyRuns must be positive");
        }
        dimensions = Map.copyOf(dimensions);
    }

    /** Settings for a comparison on synthetic inputs. */
    public EvaluationSettings(int samples, int batchSize, int latencyRuns, int warmupRuns,
                              Map<String, Integer> dimensions, long seed) {
        this(samples, batchSize, latencyRuns, warmupRuns, dimensions, seed, null, null);
    }

    public static EvaluationSettings defaults() {
        return new EvaluationSettings(64, 32, 30, 3, Map.of(), 42);
    }

    public EvaluationSettings withDataset(Path file, String scoresOutput) {
        return new EvaluationSettings(samples, batchSize, latencyRuns, warmupRuns, dimensions, seed, file,
                scoresOutput);
    }
}
