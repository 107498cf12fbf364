package io.condenser.engine.graph;

import ai.djl.ndarray.types.DataType;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Optional;

/**
 * ONNX element types and the DJL types the PyTorch engine holds them in. Only types the engine can hold without
 * aborting the JVM are mapped (FACTS.md: BFLOAT16, INT16, UINT16, UINT32 and UINT64 abort it uncatchably), so a model
 * that needs any other type is refused before it runs.
 */
public final class OnnxDataTypes {

    private OnnxDataTypes() {
    }

    /** The DJL type of an ONNX element type, or empty when the engine cannot safely hold it. */
    public static Optional<DataType> djlType(int onnxType) {
        return Optional.ofNullable(switch (TensorProto.DataType.forNumber(onnxType)) {
            case FLOAT -> DataType.FLOAT32;
            case DOUBLE -> DataType.FLOAT64;
            case FLOAT16 -> DataType.FLOAT16;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
            case null, default -> null;
        });
    }

    public static String name(int onnxType) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(onnxType);
        return type == null ? "type " + onnxType : type.name();
    }
}
