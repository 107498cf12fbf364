package io.condenser.engine.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.onnx.ElementTypes;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small graphs of a few nodes with seeded inputs: what the op-by-op comparisons with ONNX Runtime run. */
public final class OpGraphs {

    private OpGraphs() {
    }

    /**
     * A graph whose inputs are the given tensors (shapes fixed), with initializers, nodes, and the named outputs with
     * the element types the operators' rules give them (shapes left to inference).
     */
    public static ModelProto graph(long opset, List<HostTensor> inputs, List<TensorProto> initializers,
                                   List<NodeProto> nodes, List<String> outputs) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("ops");
        for (HostTensor input : inputs) {
            Object[] dims = new Object[input.shape().length];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = input.shape()[d];
            }
            graph.addInput(OnnxGraphBuilder.valueInfo(input.name(), onnxType(input), dims));
        }
        graph.addAllInitializer(initializers).addAllNode(nodes);
        ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(opset >= 19 ? 9 : 8)
                .setProducerName("condenser-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        ElementTypes types = ElementTypes.of(model.setGraph(graph).build());
        for (String output : outputs) {
            graph.addOutput(ValueInfoProto.newBuilder().setName(output).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(types.of(output).orElseThrow()
                            .getNumber()))));
        }
        return model.setGraph(graph).build();
    }

    public static NodeProto node(String opType, List<String> inputs, List<String> outputs,
                                 ai.onnx.proto.OnnxMl.AttributeProto... attributes) {
        return io.condenser.engine.onnx.OnnxNodes.node(opType, opType.toLowerCase() + "_node", inputs, outputs,
                attributes);
    }

    /** Standard normal values. */
    public static HostTensor floats(String name, long seed, long... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(count(shape))];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return new HostTensor(name, HostTensor.ElementType.FLOAT32, shape, values);
    }

    /** Uniform values in [low, high). */
    public static HostTensor uniform(String name, long seed, double low, double high, long... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(count(shape))];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(low, high);
        }
        return new HostTensor(name, HostTensor.ElementType.FLOAT32, shape, values);
    }

    public static HostTensor longs(String name, long[] values, long... shape) {
        return new HostTensor(name, HostTensor.ElementType.INT64, shape, values);
    }

    public static List<HostTensor> list(HostTensor... tensors) {
        return new ArrayList<>(List.of(tensors));
    }

    private static long count(long[] shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        return count;
    }

    private static TensorProto.DataType onnxType(HostTensor input) {
        return switch (input.type()) {
            case FLOAT32 -> TensorProto.DataType.FLOAT;
            case INT64 -> TensorProto.DataType.INT64;
            case INT32 -> TensorProto.DataType.INT32;
            case BOOLEAN -> TensorProto.DataType.BOOL;
            default -> throw new IllegalArgumentException(input.type().toString());
        };
    }
}
