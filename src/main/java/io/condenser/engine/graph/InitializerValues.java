package io.condenser.engine.graph;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.UnsafeByteOperations;
import io.condenser.engine.onnx.OnnxTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** New values for a FLOAT initializer, stored in the field its original values were in. */
final class InitializerValues {

    private InitializerValues() {
    }

    static TensorProto replace(TensorProto original, float[] values) {
        if (original.getDataType() != TensorProto.DataType.FLOAT_VALUE
                || OnnxTensors.elementCount(original) != values.length) {
            throw new IllegalArgumentException("initializer " + original.getName() + " does not hold "
                    + values.length + " FLOAT values");
        }
        TensorProto.Builder builder = original.toBuilder();
        if (original.getFloatDataCount() > 0 && !original.hasRawData() && !OnnxTensors.isExternal(original)) {
            builder.clearFloatData();
            for (float value : values) {
                builder.addFloatData(value);
            }
            return builder.build();
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        if (OnnxTensors.isExternal(original)) {
            builder.clearExternalData().setDataLocation(TensorProto.DataLocation.DEFAULT);
        }
        return builder.setRawData(UnsafeByteOperations.unsafeWrap(bytes.array())).build();
    }
}
