package io.condenser.engine.quantize;

/**
 * The range holding a given share of the values seen, read from a histogram over the range the values were first
 * seen to span (a first pass gives it). A tensor without negative values (a Relu output) keeps its lower end and loses
 * the whole remaining share at the top; otherwise half of it goes at each end.
 */
final class PercentileCollector implements RangeCollector {

    private final TensorRange observed;
    private final double percentile;
    private final Histogram histogram;

    PercentileCollector(TensorRange observed, int bins, double percentile) {
        this.observed = observed;
        this.percentile = percentile;
        this.histogram = new Histogram(observed.min(), observed.max(), bins);
    }

    @Override
    public void add(float[] values) {
        for (float value : values) {
            if (Float.isFinite(value)) {
                histogram.add(value);
            }
        }
    }

    @Override
    public TensorRange range() {
        if (histogram.total() == 0) {
            return observed;
        }
        double outside = (100 - percentile) / 100;
        boolean oneSided = observed.min() >= 0;
        double upperShare = oneSided ? 1 - outside : 1 - outside / 2;
        float max = (float) Math.min(observed.max(), histogram.upperEdge(histogram.binBeyondShare(upperShare)));
        float min = oneSided ? observed.min()
                : (float) Math.max(observed.min(), histogram.lowerEdge(histogram.binBeyondShare(outside / 2)));
        return new TensorRange(Math.min(min, max), max);
    }
}
