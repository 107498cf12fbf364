package io.condenser.engine.quantize;

/** How the range an activation is quantized to is chosen from the values seen during calibration. */
public enum CalibrationMethod {
    /** The smallest and largest value seen: nothing saturates, but one outlier coarsens every step. */
    MIN_MAX,
    /** A percentile of the values seen (read from a histogram): the rare extremes saturate. */
    PERCENTILE,
    /**
     * The clipping threshold whose quantized distribution is closest (Kullback-Leibler divergence) to the one seen,
     * searched on a histogram of magnitudes as TensorRT's entropy calibration does.
     */
    ENTROPY
}
