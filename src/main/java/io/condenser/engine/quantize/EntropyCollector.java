package io.condenser.engine.quantize;

/**
 * TensorRT's entropy calibration: a histogram of magnitudes |x| over [0, max|x|], and the clipping threshold T whose
 * distribution, clipped at T (the mass beyond folded into the last bin) and then quantized to
 * {@value #QUANTIZED_BINS} levels, loses the least information (Kullback-Leibler divergence) against the unquantized
 * one. The range is [-T, T] cut to the values seen, so a tensor without negative values keeps 0 as its lower end.
 *
 * <p>The threshold is at least {@value #QUANTIZED_BINS} bins, so an extreme outlier limits how far it can clip: with
 * 2048 bins, to 1/16 of the largest magnitude seen. More bins lower that limit.
 *
 * <p>Exact zeros are left out of the histogram: every range quantizes them exactly (0 is always a level), and after a
 * Relu they are half the values, a spike in the first bin that would dominate the divergence and push the threshold
 * far down (measured: a range of [0, 2.1] for a tensor reaching 8.2, cosine to the float model 0.89 instead of 0.9999).
 */
final class EntropyCollector implements RangeCollector {

    /** Levels on one side of zero in int8, the resolution TensorRT's search compares at. */
    static final int QUANTIZED_BINS = 128;

    /** Probability given to empty bins so that the divergence stays finite (MXNet's smoothing constant). */
    private static final double SMOOTHING = 1e-4;

    private final TensorRange observed;
    private final Histogram histogram;

    EntropyCollector(TensorRange observed, int bins) {
        this.observed = observed;
        this.histogram = new Histogram(0, observed.absMax(), bins);
    }

    @Override
    public void add(float[] values) {
        for (float value : values) {
            if (Float.isFinite(value) && value != 0) {
                histogram.add(Math.abs(value));
            }
        }
    }

    @Override
    public TensorRange range() {
        if (histogram.total() == 0 || observed.absMax() == 0) {
            return observed;
        }
        float threshold = (float) histogram.upperEdge(bestClippingBins() - 1);
        float min = Math.max(observed.min(), -threshold);
        float max = Math.min(observed.max(), threshold);
        return new TensorRange(Math.min(min, max), max);
    }

    /** The number of bins, from zero up, whose range minimizes the divergence. */
    private int bestClippingBins() {
        int bins = histogram.bins();
        long[] counts = new long[bins];
        for (int b = 0; b < bins; b++) {
            counts[b] = histogram.count(b);
        }
        long beyond = histogram.total();
        for (int b = 0; b < QUANTIZED_BINS; b++) {
            beyond -= counts[b];
        }
        int best = bins;
        double bestDivergence = Double.POSITIVE_INFINITY;
        double[] reference = new double[bins];
        double[] quantized = new double[bins];
        for (int kept = QUANTIZED_BINS; kept <= bins; kept++) {
            if (kept > QUANTIZED_BINS) {
                beyond -= counts[kept - 1];
            }
            for (int b = 0; b < kept; b++) {
                reference[b] = counts[b];
            }
            reference[kept - 1] += beyond;
            quantize(counts, kept, quantized);
            double divergence = divergence(reference, quantized, kept);
            if (divergence < bestDivergence) {
                bestDivergence = divergence;
                best = kept;
            }
        }
        return best;
    }

    /**
     * Merges the first {@code kept} bins into {@value #QUANTIZED_BINS} groups and spreads each group's count evenly
     * over its non-empty bins: the distribution a quantizer with that many levels over the same range reproduces.
     */
    private static void quantize(long[] counts, int kept, double[] quantized) {
        for (int group = 0; group < QUANTIZED_BINS; group++) {
            int start = (int) ((long) group * kept / QUANTIZED_BINS);
            int end = (int) ((long) (group + 1) * kept / QUANTIZED_BINS);
            long sum = 0;
            int nonEmpty = 0;
            for (int b = start; b < end; b++) {
                sum += counts[b];
                if (counts[b] != 0) {
                    nonEmpty++;
                }
            }
            for (int b = start; b < end; b++) {
                quantized[b] = counts[b] == 0 ? 0 : (double) sum / nonEmpty;
            }
        }
    }

    /** KL(p ‖ q) over the first {@code length} bins, both normalized and smoothed. */
    private static double divergence(double[] p, double[] q, int length) {
        if (!smooth(p, length) || !smooth(q, length)) {
            return Double.POSITIVE_INFINITY;
        }
        double divergence = 0;
        for (int b = 0; b < length; b++) {
            divergence += p[b] * Math.log(p[b] / q[b]);
        }
        return divergence;
    }

    /** Normalizes in place and moves a little mass onto empty bins; false when the distribution is empty. */
    private static boolean smooth(double[] distribution, int length) {
        double sum = 0;
        int empty = 0;
        for (int b = 0; b < length; b++) {
            sum += distribution[b];
            if (distribution[b] == 0) {
                empty++;
            }
        }
        if (sum == 0) {
            return false;
        }
        double taken = empty == length ? 0 : SMOOTHING * empty / (length - empty);
        for (int b = 0; b < length; b++) {
            double normalized = distribution[b] / sum;
            distribution[b] = normalized == 0 ? SMOOTHING : Math.max(normalized - taken, SMOOTHING);
        }
        return true;
    }
}
