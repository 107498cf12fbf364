package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/** Element type of quantized weights. */
public enum WeightType {
    /** Signed, symmetric around zero (zero point 0), range [-127, 127]. */
    INT8(DataType.INT8, -127, 127),
    /** Unsigned, asymmetric (zero point chosen so that 0.0 is exact), range [0, 255]. */
    UINT8(DataType.UINT8, 0, 255);

    private final DataType onnxType;
    private final int min;
    private final int max;

    WeightType(DataType onnxType, int min, int max) {
        this.onnxType = onnxType;
        this.min = min;
        this.max = max;
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

    public boolean symmetric() {
        return min < 0;
    }
}
