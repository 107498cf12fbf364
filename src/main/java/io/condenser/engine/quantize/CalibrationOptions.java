package io.condenser.engine.quantize;

/**
 * How activation ranges are calibrated.
 *
 * @param method        the way a range is chosen from the values seen
 * @param percentile    for {@link CalibrationMethod#PERCENTILE}: the share of values (in %) the range covers, e.g.
 *                      99.999; tensors with negative values lose half the rest at each end
 * @param histogramBins bins of the histograms the percentile and entropy methods read (memory per calibrated tensor
 *                      is 8 bytes per bin, whatever the number of samples)
 */
public record CalibrationOptions(CalibrationMethod method, double percentile, int histogramBins) {

    /** The entropy search compares distributions of this many quantized levels, so histograms need more bins. */
    public static final int MIN_HISTOGRAM_BINS = 2 * EntropyCollector.QUANTIZED_BINS;

    public CalibrationOptions {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], not " + percentile);
        }
        if (histogramBins < MIN_HISTOGRAM_BINS || histogramBins > 1 << 20) {
            throw new IllegalArgumentException("histogramBins must be between " + MIN_HISTOGRAM_BINS + " and "
                    + (1 << 20) + ", not " + histogramBins);
        }
    }

    public static CalibrationOptions of(CalibrationMethod method) {
        return new CalibrationOptions(method, 99.999, 2048);
    }
}
