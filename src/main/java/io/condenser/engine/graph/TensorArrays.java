package io.condenser.engine.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.onnx.OnnxTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** ONNX tensors (initializers, Constant values) as NDArrays, read once when a graph is compiled. */
public final class TensorArrays {

    private TensorArrays() {
    }

    /**
     * @throws UnsupportedOperationException for element types the engine cannot hold (see {@link OnnxDataTypes})
     */
    public static NDArray create(NDManager manager, TensorProto tensor) {
        Shape shape = new Shape(OnnxTensors.dims(tensor));
        DataType type = OnnxDataTypes.djlType(tensor.getDataType()).orElseThrow(() ->
                new UnsupportedOperationException("tensor " + tensor.getName() + " has element type "
                        + OnnxDataTypes.name(tensor.getDataType())));
        return switch (type) {
            case FLOAT32 -> manager.create(floats(tensor), shape);
            case FLOAT16 -> manager.create(halfsAsFloats(tensor), shape).toType(DataType.FLOAT16, false);
            case FLOAT64 -> manager.create(doubles(tensor), shape);
            case INT64 -> manager.create(OnnxTensors.longs(tensor), shape);
            case INT32 -> manager.create(toInts(OnnxTensors.longs(tensor)), shape);
            case INT8 -> manager.create(toBytes(OnnxTensors.longs(tensor)), shape);
            case UINT8 -> manager.create(toBytes(OnnxTensors.longs(tensor)), shape).toType(DataType.UINT8, false);
            case BOOLEAN -> manager.create(booleans(tensor), shape);
            default -> throw new UnsupportedOperationException("tensor " + tensor.getName() + " has element type "
                    + type);
        };
    }

    public static float[] floats(TensorProto tensor) {
        FloatBuffer view = OnnxTensors.floats(tensor);
        float[] values = new float[view.remaining()];
        view.get(values);
        return values;
    }

    private static ByteBuffer raw(TensorProto tensor) {
        return tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static double[] doubles(TensorProto tensor) {
        int count = Math.toIntExact(OnnxTensors.elementCount(tensor));
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = tensor.hasRawData() ? raw(tensor).getDouble(i * Double.BYTES) : tensor.getDoubleData(i);
        }
        return values;
    }

    /** FLOAT16 values are raw little-endian halves, or one half per int32_data entry. */
    private static float[] halfsAsFloats(TensorProto tensor) {
        int count = Math.toIntExact(OnnxTensors.elementCount(tensor));
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            short bits = tensor.hasRawData() ? raw(tensor).getShort(i * Short.BYTES) : (short) tensor.getInt32Data(i);
            values[i] = Float.float16ToFloat(bits);
        }
        return values;
    }

    private static boolean[] booleans(TensorProto tensor) {
        int count = Math.toIntExact(OnnxTensors.elementCount(tensor));
        boolean[] values = new boolean[count];
        for (int i = 0; i < count; i++) {
            values[i] = tensor.hasRawData() ? raw(tensor).get(i) != 0 : tensor.getInt32Data(i) != 0;
        }
        return values;
    }

    private static int[] toInts(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = (int) values[i];
        }
        return ints;
    }

    private static byte[] toBytes(long[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
