package io.condenser.engine.quantize;

/** Counts of values in equal-width bins over a fixed interval; values outside it count in the end bins. */
final class Histogram {

    private final double low;
    private final double width;
    private final long[] counts;
    private long total;

    Histogram(double low, double high, int bins) {
        this.low = low;
        this.counts = new long[bins];
        double span = high - low;
        // A constant tensor (span 0) puts every value into the first bin.
        this.width = span > 0 ? span / bins : 1;
    }

    void add(double value) {
        int bin = (int) Math.clamp(Math.floor((value - low) / width), 0, counts.length - 1);
        counts[bin]++;
        total++;
    }

    int bins() {
        return counts.length;
    }

    long count(int bin) {
        return counts[bin];
    }

    long total() {
        return total;
    }

    double lowerEdge(int bin) {
        return low + bin * width;
    }

    double upperEdge(int bin) {
        return low + (bin + 1) * width;
    }

    /** The first bin at which the running count, from the lowest bin up, exceeds {@code share} of all values. */
    int binBeyondShare(double share) {
        double limit = share * total;
        long running = 0;
        for (int bin = 0; bin < counts.length; bin++) {
            running += counts[bin];
            if (running > limit) {
                return bin;
            }
        }
        return counts.length - 1;
    }
}
