package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.graph.OnnxDataTypes;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;
import io.condenser.engine.graph.TensorArrays;
import io.condenser.engine.graph.UnsupportedOpException;
import io.condenser.engine.onnx.OnnxTensors;

/** Constant, ConstantOfShape and Cast: values that come from attributes, and type conversion. */
public final class ConstantOps {

    private ConstantOps() {
    }

    public static void register(OpRegistry registry) {
        registry.register("Constant", ConstantOps::constant);
        registry.register("ConstantOfShape", ConstantOps::constantOfShape, 0);
        registry.register("Cast", ConstantOps::cast);
    }

    /** Every value form but strings: value, value_float(s), value_int(s) and sparse_value. */
    private static OpKernel constant(OnnxNode node) {
        AttributeProto attribute = node.proto().getAttributeCount() == 1 ? node.proto().getAttribute(0) : null;
        if (attribute == null) {
            throw new UnsupportedOpException("a Constant needs exactly one value attribute");
        }
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(node.proto().getOutput(0));
        switch (attribute.getName()) {
            case "value" -> tensor.mergeFrom(attribute.getT()).setName(node.proto().getOutput(0));
            case "value_float" -> tensor.setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(attribute.getF());
            case "value_floats" -> tensor.setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addDims(attribute.getFloatsCount()).addAllFloatData(attribute.getFloatsList());
            case "value_int" -> tensor.setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(attribute.getI());
            case "value_ints" -> tensor.setDataType(TensorProto.DataType.INT64_VALUE)
                    .addDims(attribute.getIntsCount()).addAllInt64Data(attribute.getIntsList());
            case "sparse_value" -> {
                return sparseConstant(attribute.getSparseTensor());
            }
            default -> throw new UnsupportedOpException(attribute.getName() + " constants are not supported");
        }
        TensorProto value = tensor.build();
        requireSupported(value.getDataType());
        return (in, context) -> new NDArray[] {TensorArrays.create(context.manager(), value)};
    }

    /** A sparse constant scattered into zeros; its indices are linear ([NNZ]) or coordinates ([NNZ, rank]). */
    private static OpKernel sparseConstant(SparseTensorProto sparse) {
        TensorProto values = sparse.getValues();
        requireSupported(values.getDataType());
        long[] dims = sparse.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long[] indices = OnnxTensors.longs(sparse.getIndices());
        long count = OnnxTensors.elementCount(values);
        long[] linear = new long[(int) count];
        if (sparse.getIndices().getDimsCount() == 2) {
            for (int i = 0; i < count; i++) {
                long offset = 0;
                for (int d = 0; d < dims.length; d++) {
                    offset = offset * dims[d] + indices[i * dims.length + d];
                }
                linear[i] = offset;
            }
        } else {
            linear = indices;
        }
        long[] positions = linear;
        return (in, context) -> {
            NDManager manager = context.manager();
            NDArray flatValues = TensorArrays.create(manager, values).flatten();
            NDArray dense = manager.zeros(new Shape(new Shape(dims).size()), flatValues.getDataType());
            dense.set(new NDIndex("{}", manager.create(positions)), flatValues);
            return new NDArray[] {dense.reshape(new Shape(dims))};
        };
    }

    /** A tensor of the requested shape filled with the one value of {@code value} (float 0 by default). */
    private static OpKernel constantOfShape(OnnxNode node) {
        TensorProto value = node.tensorAttribute("value")
                .orElse(OnnxTensors.floatTensor("value", new long[] {1}, new float[] {0f}));
        requireSupported(value.getDataType());
        return (in, context) -> {
            Shape shape = new Shape(HostValues.longs(in[0]));
            NDArray scalar = TensorArrays.create(context.manager(), value).reshape(new Shape());
            return new NDArray[] {scalar.broadcast(shape).duplicate()};
        };
    }

    private static OpKernel cast(OnnxNode node) {
        int to = (int) node.intAttribute("to", 0);
        DataType type = requireSupported(to);
        return (in, context) -> new NDArray[] {in[0].getDataType() == type ? in[0] : in[0].toType(type, false)};
    }

    /** Types the PyTorch engine cannot hold abort the JVM (FACTS.md): refused here, before anything runs. */
    private static DataType requireSupported(int onnxType) {
        return OnnxDataTypes.djlType(onnxType).orElseThrow(() ->
                new UnsupportedOpException("element type " + OnnxDataTypes.name(onnxType) + " is not supported"));
    }
}
