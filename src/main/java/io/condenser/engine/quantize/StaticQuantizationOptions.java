package io.condenser.engine.quantize;

import java.util.Objects;

/**
 * Options of static (calibrated) quantization.
 *
 * @param activationType element type of quantized activations
 * @param perChannel     one weight scale per output channel (needs opset 13) instead of one per weight tensor
 * @param calibration    how activation ranges are chosen from the calibration data
 * @param foldBatchNorm  fold BatchNormalization into the Conv/Gemm before it first, so that it runs in the integer
 *                       kernel instead of in float between two quantized layers
 */
public record StaticQuantizationOptions(ActivationType activationType, boolean perChannel,
                                        CalibrationOptions calibration, boolean foldBatchNorm) {

    public StaticQuantizationOptions {
        Objects.requireNonNull(activationType, "activationType");
        Objects.requireNonNull(calibration, "calibration");
    }

    /** uint8 activations, per-channel int8 weights, min-max calibration, batch norms folded. */
    public static StaticQuantizationOptions defaults() {
        return new StaticQuantizationOptions(ActivationType.UINT8, true,
                CalibrationOptions.of(CalibrationMethod.MIN_MAX), true);
    }

    public StaticQuantizationOptions withCalibration(CalibrationOptions calibration) {
        return new StaticQuantizationOptions(activationType, perChannel, calibration, foldBatchNorm);
    }
}
