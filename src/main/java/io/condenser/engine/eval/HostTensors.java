package io.condenser.engine.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.condenser.engine.UnsupportedModelException;
import java.nio.ByteBuffer;
import java.util.List;

/** Host tensors copied into a DJL engine's native memory and back, for every engine a model is compared on. */
final class HostTensors {

    private HostTensors() {
    }

    static NDList toNd(List<HostTensor> inputs, NDManager manager) {
        NDList list = new NDList(inputs.size());
        for (HostTensor input : inputs) {
            Shape shape = new Shape(input.shape());
            NDArray array = switch (input.data()) {
                case float[] f -> manager.create(f, shape);
                case double[] d -> manager.create(d, shape);
                case long[] l -> manager.create(l, shape);
                case int[] i -> manager.create(i, shape);
                case boolean[] b -> manager.create(b, shape);
                case byte[] b -> manager.create(ByteBuffer.wrap(b), shape,
                        input.type() == HostTensor.ElementType.UINT8 ? DataType.UINT8 : DataType.INT8);
                default -> throw new IllegalArgumentException("unsupported input data for " + input.name());
            };
            array.setName(input.name());
            list.add(array);
        }
        return list;
    }

    static HostTensor toHost(NDArray array) {
        long[] shape = array.getShape().getShape();
        String name = array.getName();
        return switch (array.getDataType()) {
            case FLOAT32 -> new HostTensor(name, HostTensor.ElementType.FLOAT32, shape, array.toFloatArray());
            case FLOAT64 -> new HostTensor(name, HostTensor.ElementType.FLOAT64, shape, array.toDoubleArray());
            case INT64 -> new HostTensor(name, HostTensor.ElementType.INT64, shape, array.toLongArray());
            case INT32 -> new HostTensor(name, HostTensor.ElementType.INT32, shape, array.toIntArray());
            case INT8 -> new HostTensor(name, HostTensor.ElementType.INT8, shape, array.toByteArray());
            case UINT8 -> new HostTensor(name, HostTensor.ElementType.UINT8, shape, array.toByteArray());
            case BOOLEAN -> new HostTensor(name, HostTensor.ElementType.BOOLEAN, shape, array.toBooleanArray());
            default -> throw new UnsupportedModelException("output " + name + " has element type "
                    + array.getDataType() + ", which Condenser cannot read back yet");
        };
    }
}
