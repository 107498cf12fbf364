package io.condenser.engine.eval;

import java.util.Arrays;

/** Wall-time statistics of repeated runs at one batch size. */
public record LatencyStats(int batchSize, int runs, double medianMs, double p95Ms, double throughputPerSecond) {

    public static LatencyStats of(int batchSize, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = percentile(sorted, 0.5) / 1e6;
        double p95 = percentile(sorted, 0.95) / 1e6;
        return new LatencyStats(batchSize, sorted.length, median, p95, batchSize / (median / 1000.0));
    }

    /** Linear interpolation between closest ranks, as numpy's default percentile. */
    private static double percentile(long[] sorted, double q) {
        double rank = q * (sorted.length - 1);
        int low = (int) Math.floor(rank);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }
}
