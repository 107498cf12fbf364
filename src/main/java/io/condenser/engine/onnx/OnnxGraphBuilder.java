package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;

/**
 * Builds an ONNX model node by node: the tests' model factory and a helper for rewrites. Dimensions are given as
 * numbers (fixed) or strings (symbolic, e.g. "batch").
 */
public final class OnnxGraphBuilder {

    /** IR version 8 goes with opsets up to 18 (ONNX 1.13), which every ONNX Runtime of the last years loads. */
    public static final long DEFAULT_IR_VERSION = 8;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final long opset;
    private long irVersion = DEFAULT_IR_VERSION;
    private int unnamedNodes;

    private OnnxGraphBuilder(String name, long opset) {
        graph.setName(name);
        this.opset = opset;
    }

    public static OnnxGraphBuilder create(String graphName, long opset) {
        return new OnnxGraphBuilder(graphName, opset);
    }

    public OnnxGraphBuilder irVersion(long version) {
        this.irVersion = version;
        return this;
    }

    public OnnxGraphBuilder input(String name, DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
        return this;
    }

    public OnnxGraphBuilder output(String name, DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
        return this;
    }

    public OnnxGraphBuilder initializer(TensorProto tensor) {
        graph.addInitializer(tensor);
        return this;
    }

    public OnnxGraphBuilder floatInitializer(String name, long[] dims, float[] values) {
        return initializer(OnnxTensors.floatTensor(name, dims, values));
    }

    public OnnxGraphBuilder int64Initializer(String name, long[] dims, long[] values) {
        return initializer(OnnxTensors.int64Tensor(name, dims, values));
    }

    public OnnxGraphBuilder node(String opType, List<String> inputs, List<String> outputs,
                                 AttributeProto... attributes) {
        return node(OnnxNodes.node(opType, opType + "_" + unnamedNodes++, inputs, outputs, attributes));
    }

    public OnnxGraphBuilder node(NodeProto node) {
        graph.addNode(node);
        return this;
    }

    public ModelProto build() {
        return ModelProto.newBuilder()
                .setIrVersion(irVersion)
                .setProducerName("condenser")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    public static ValueInfoProto valueInfo(String name, DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder dimension = TensorShapeProto.Dimension.newBuilder();
            switch (dim) {
                case Number n -> dimension.setDimValue(n.longValue());
                case String s -> dimension.setDimParam(s);
                default -> throw new IllegalArgumentException("a dimension is a number or a name, not " + dim);
            }
            shape.addDim(dimension);
        }
        TypeProto typeProto = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(typeProto).build();
    }
}
