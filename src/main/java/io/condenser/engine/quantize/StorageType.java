package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.onnx.OnnxTensors;

/** The integer element type quantized weights are stored in, with its full range and how ONNX lays it out. */
public enum StorageType {
    INT8(DataType.INT8, 8, -128, 127),
    UINT8(DataType.UINT8, 8, 0, 255),
    INT4(DataType.INT4, 4, -8, 7),
    UINT4(DataType.UINT4, 4, 0, 15);

    private final DataType onnxType;
    private final int bits;
    private final int min;
    private final int max;

    StorageType(DataType onnxType, int bits, int min, int max) {
        this.onnxType = onnxType;
        this.bits = bits;
        this.min = min;
        this.max = max;
    }

    /** The signed (zero point 0) or unsigned type of a bit width. */
    public static StorageType of(int bits, boolean signed) {
        return switch (bits) {
            case 8 -> signed ? INT8 : UINT8;
            case 4 -> signed ? INT4 : UINT4;
            default -> throw new IllegalArgumentException("weights are stored in 8 or 4 bits, not " + bits);
        };
    }

    public DataType onnxType() {
        return onnxType;
    }

    public int bits() {
        return bits;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    public boolean signed() {
        return min < 0;
    }

    /** INT4 and UINT4 first appear in opset 21 (DequantizeLinear-21) and IR version 10. */
    public boolean needsOpset21() {
        return bits < 8;
    }

    /** A tensor of these values, one element per byte in {@code values}; 4-bit types are packed two per byte. */
    public TensorProto tensor(String name, long[] dims, byte[] values) {
        return bits == 8
                ? OnnxTensors.byteTensor(name, onnxType, dims, values)
                : OnnxTensors.packedTensor(name, onnxType, dims, Int4Packing.pack(values));
    }
}
