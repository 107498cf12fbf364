package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * Element type of quantized activations. Both are asymmetric: the zero point is chosen so that the calibrated range,
 * widened to include 0, covers all 256 levels and 0.0 is exact (padding, Relu outputs).
 */
public enum ActivationType {
    /** [0, 255]: what ONNX Runtime's CPU kernels are fastest with (u8 × s8). */
    UINT8(DataType.UINT8, 0, 255),
    /** [-128, 127]: for runtimes that want s8 × s8. */
    INT8(DataType.INT8, -128, 127);

    private final DataType onnxType;
    private final int min;
    private final int max;

    ActivationType(DataType onnxType, int min, int max) {
        this.onnxType = onnxType;
        this.min = min;
        this.max = max;
    }

    public DataType onnxType() {
        return onnxType;
    }

    /** The smallest quantized level. */
    public int min() {
        return min;
    }

    /** The largest quantized level. */
    public int max() {
        return max;
    }

    /** The scale and zero point that map {@code range} (widened to include 0) onto this type's levels. */
    public ActivationParameters parameters(TensorRange range) {
        double low = Math.min(range.min(), 0);
        double high = Math.max(range.max(), 0);
        double scale = (high - low) / (max - min);
        if (!(scale >= Float.MIN_NORMAL) || !Double.isFinite(scale)) {
            // A tensor that was always 0: any scale keeps 0 exact.
            return new ActivationParameters(1.0f, zeroPointFor(0, 1.0));
        }
        return new ActivationParameters((float) scale, zeroPointFor(low, (float) scale));
    }

    private int zeroPointFor(double low, double scale) {
        return (int) Math.clamp(Math.rint(min - low / scale), min, max);
    }

    /** Scale and zero point of a quantized activation: {@code real = (q - zeroPoint) * scale}. */
    public record ActivationParameters(float scale, int zeroPoint) {
    }
}
