package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/** Element type of quantized weights. */
public enum WeightType {
    /** Signed, symmetric around zero (zero point 0), range [-127, 127]; reduced [-64, 64]. */
    INT8(DataType.INT8, -127, 127, -64, 64),
    /** Unsigned, asymmetric (zero point chosen so that 0.0 is exact), range [0, 255]; reduced [0, 127]. */
    UINT8(DataType.UINT8, 0, 255, 0, 127);

    private final DataType onnxType;
    private final int min;
    private final int max;
    private final int reducedMin;
    private final int reducedMax;

    WeightType(DataType onnxType, int min, int max, int reducedMin, int reducedMax) {
        this.onnxType = onnxType;
        this.min = min;
        this.max = max;
        this.reducedMin = reducedMin;
        this.reducedMax = reducedMax;
    }

    public DataType onnxType() {
        return onnxType;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    /**
     * The smallest value weights use; with {@code reduceRange} one bit less (7-bit weights, ONNX Runtime's
     * {@code reduce_range}), so that pairs of uint8 × int8 products cannot saturate the 16-bit intermediate sums of
     * x86 CPUs without VNNI.
     */
    public int min(boolean reduceRange) {
        return reduceRange ? reducedMin : min;
    }

    /** The largest value weights use; see {@link #min(boolean)}. */
    public int max(boolean reduceRange) {
        return reduceRange ? reducedMax : max;
    }

    public boolean symmetric() {
        return min < 0;
    }
}
