package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Reading and creating ONNX tensors. ONNX stores raw tensor bytes little-endian. */
public final class OnnxTensors {

    private OnnxTensors() {
    }

    /** Bytes per element, or 0 for types without a fixed size (strings) and sub-byte types (int4). */
    public static int elementSize(int dataType) {
        return switch (DataType.forNumber(dataType)) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64, COMPLEX64 -> 8;
            case COMPLEX128 -> 16;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> 1;
            case null, default -> 0;
        };
    }

    public static long elementCount(TensorProto tensor) {
        long count = 1;
        for (long dim : tensor.getDimsList()) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    /** True for element types that hold trainable values (weights, biases, quantized weights, scales). */
    public static boolean isParameterType(int dataType) {
        return switch (DataType.forNumber(dataType)) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8, UINT8, INT4, UINT4,
                    FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> true;
            case null, default -> false;
        };
    }

    /** The bytes the tensor's values take in the file. */
    public static long dataBytes(TensorProto tensor) {
        if (tensor.hasRawData()) {
            return tensor.getRawData().size();
        }
        long elementSize = elementSize(tensor.getDataType());
        if (elementSize > 0) {
            return Math.multiplyExact(elementCount(tensor), elementSize);
        }
        if (tensor.getDataType() == DataType.INT4_VALUE || tensor.getDataType() == DataType.UINT4_VALUE) {
            return (elementCount(tensor) + 1) / 2;
        }
        return tensor.getStringDataList().stream().mapToLong(ByteString::size).sum();
    }

    /** The tensor's dimensions as an array, the form the tensor factories take. */
    public static long[] dims(TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static boolean isExternal(TensorProto tensor) {
        return tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /**
     * The tensor's raw bytes, little-endian: a view of its raw data (of the memory-mapped file it was read from), or
     * its external data read from disk now; null when the values are in the typed fields.
     */
    private static ByteBuffer rawBytes(TensorProto tensor) {
        if (isExternal(tensor)) {
            return ExternalData.read(tensor);
        }
        return tensor.hasRawData() ? tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
    }

    /**
     * A read-only view of a FLOAT tensor's values. For raw data read from a memory-mapped file this is a view of the
     * mapping: nothing is copied.
     */
    public static FloatBuffer floats(TensorProto tensor) {
        if (tensor.getDataType() != DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("tensor " + tensor.getName() + " is not FLOAT");
        }
        long count = elementCount(tensor);
        ByteBuffer raw = rawBytes(tensor);
        if (raw != null) {
            if (raw.remaining() != count * Float.BYTES) {
                throw new InvalidModelException("tensor " + tensor.getName() + " has " + raw.remaining()
                        + " bytes of data for " + count + " FLOAT elements");
            }
            return raw.asFloatBuffer().asReadOnlyBuffer();
        }
        if (tensor.getFloatDataCount() != count) {
            throw new InvalidModelException("tensor " + tensor.getName() + " has " + tensor.getFloatDataCount()
                    + " values for " + count + " elements");
        }
        FloatBuffer values = FloatBuffer.allocate(tensor.getFloatDataCount());
        for (int i = 0; i < tensor.getFloatDataCount(); i++) {
            values.put(i, tensor.getFloatData(i));
        }
        return values.asReadOnlyBuffer();
    }

    /** The values of an integer tensor (INT64, INT32, INT8, UINT8) widened to long. */
    public static long[] longs(TensorProto tensor) {
        int count = Math.toIntExact(elementCount(tensor));
        long[] values = new long[count];
        DataType type = DataType.forNumber(tensor.getDataType());
        ByteBuffer raw = rawBytes(tensor);
        if (raw != null) {
            for (int i = 0; i < count; i++) {
                values[i] = switch (type) {
                    case INT64 -> raw.getLong(i * 8);
                    case INT32 -> raw.getInt(i * 4);
                    case INT8 -> raw.get(i);
                    case UINT8 -> raw.get(i) & 0xFF;
                    case null, default -> throw new IllegalArgumentException("tensor " + tensor.getName()
                            + " is not an integer tensor");
                };
            }
            return values;
        }
        for (int i = 0; i < count; i++) {
            values[i] = switch (type) {
                case INT64 -> tensor.getInt64Data(i);
                case INT32, INT8, UINT8 -> tensor.getInt32Data(i);
                case null, default -> throw new IllegalArgumentException("tensor " + tensor.getName()
                        + " is not an integer tensor");
            };
        }
        return values;
    }

    public static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return tensor(name, DataType.FLOAT, dims, bytes.array());
    }

    public static TensorProto int32Tensor(String name, long[] dims, int[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        return tensor(name, DataType.INT32, dims, bytes.array());
    }

    public static TensorProto int64Tensor(String name, long[] dims, long[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return tensor(name, DataType.INT64, dims, bytes.array());
    }

    /** A tensor of one-byte elements (INT8, UINT8, BOOL); the array is handed over, not copied. */
    public static TensorProto byteTensor(String name, DataType type, long[] dims, byte[] values) {
        if (elementSize(type.getNumber()) != 1) {
            throw new IllegalArgumentException(type + " is not a one-byte type");
        }
        return tensor(name, type, dims, values);
    }

    /** A FLOAT16 tensor from IEEE half-precision bit patterns (see {@link Float#floatToFloat16}). */
    public static TensorProto float16Tensor(String name, long[] dims, short[] halfBits) {
        ByteBuffer bytes = ByteBuffer.allocate(halfBits.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asShortBuffer().put(halfBits);
        return tensor(name, DataType.FLOAT16, dims, bytes.array());
    }

    /**
     * A tensor of a sub-byte type (INT4, UINT4) from bytes already packed as ONNX stores them; the array is handed
     * over, not copied.
     */
    public static TensorProto packedTensor(String name, DataType type, long[] dims, byte[] packed) {
        if (type != DataType.INT4 && type != DataType.UINT4) {
            throw new IllegalArgumentException(type + " is not a packed sub-byte type");
        }
        return tensor(name, type, dims, packed);
    }

    public static TensorProto floatScalar(String name, float value) {
        return floatTensor(name, new long[0], new float[] {value});
    }

    private static TensorProto tensor(String name, DataType type, long[] dims, byte[] raw) {
        TensorProto.Builder builder = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long dim : dims) {
            builder.addDims(dim);
        }
        return builder.setRawData(UnsafeByteOperations.unsafeWrap(raw)).build();
    }
}
