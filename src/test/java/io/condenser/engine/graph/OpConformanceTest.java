package io.condenser.engine.graph;

import static io.condenser.engine.graph.OpGraphs.floats;
import static io.condenser.engine.graph.OpGraphs.graph;
import static io.condenser.engine.graph.OpGraphs.list;
import static io.condenser.engine.graph.OpGraphs.longs;
import static io.condenser.engine.graph.OpGraphs.node;
import static io.condenser.engine.graph.OpGraphs.uniform;
import static io.condenser.engine.onnx.OnnxNodes.attribute;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.testing.PyTorchManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each operator (and its attribute variants and opset differences) on a small graph with seeded inputs, executed by
 * the interpreter and by ONNX Runtime: the outputs must agree within 1e-4 relative (absolute 1e-6 near zero).
 */
class OpConformanceTest {

    private static final double TOLERANCE = 1e-4;
    private static final double FLOOR = 1e-2;

    @RegisterExtension
    static final PyTorchManager PYTORCH = new PyTorchManager();

    /** One graph: its inputs, initializers (become parameters or constants), nodes and outputs. */
    record Case(String name, long opset, List<HostTensor> inputs, List<TensorProto> initializers,
                List<NodeProto> nodes, List<String> outputs) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        linear(cases);
        elementwise(cases);
        activations(cases);
        convolutions(cases);
        pooling(cases);
        normalization(cases);
        shapes(cases);
        constants(cases);
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOnnxRuntime(Case c) {
        ModelProto model = graph(c.opset(), c.inputs(), c.initializers(), c.nodes(), c.outputs());
        List<Object> expected = OrtReference.run(model, c.inputs());
        try (NDManager owner = PYTORCH.get().newSubManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, owner);
            List<Object> actual = GraphRunner.run(block, owner, c.inputs(), false);
            assertThat(GraphRunner.maxRelativeError(actual, expected, FLOOR)).as(c.name())
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    private static Case unary(String name, long opset, HostTensor x, String op, AttributeProto... attributes) {
        return new Case(name, opset, list(x), List.of(), List.of(node(op, List.of("x"), List.of("y"), attributes)),
                List.of("y"));
    }

    private static Case binary(String name, long opset, HostTensor a, HostTensor b, String op) {
        return new Case(name, opset, list(a, b), List.of(), List.of(node(op, List.of("a", "b"), List.of("y"))),
                List.of("y"));
    }

    private static TensorProto weights(String name, long seed, long... dims) {
        HostTensor values = floats(name, seed, dims);
        return OnnxTensors.floatTensor(name, dims, (float[]) values.data());
    }

    private static TensorProto int64s(String name, long... values) {
        return OnnxTensors.int64Tensor(name, new long[] {values.length}, values);
    }

    private static void linear(List<Case> cases) {
        cases.add(new Case("Gemm plain", 13, list(floats("a", 1, 3, 4)), List.of(weights("b", 2, 4, 5),
                weights("c", 3, 5)), List.of(node("Gemm", List.of("a", "b", "c"), List.of("y"))), List.of("y")));
        cases.add(new Case("Gemm transA transB alpha beta, C [3,1]", 13, list(floats("a", 1, 4, 3)),
                List.of(weights("b", 2, 5, 4), weights("c", 3, 3, 1)), List.of(node("Gemm", List.of("a", "b", "c"),
                        List.of("y"), attribute("transA", 1L), attribute("transB", 1L), attribute("alpha", 0.5f),
                        attribute("beta", 2f))), List.of("y")));
        cases.add(new Case("Gemm linear form", 11, list(floats("a", 1, 3, 4)), List.of(weights("b", 2, 5, 4),
                weights("c", 3, 5)), List.of(node("Gemm", List.of("a", "b", "c"), List.of("y"),
                        attribute("transB", 1L))), List.of("y")));
        cases.add(new Case("Gemm without C", 13, list(floats("a", 1, 3, 4)), List.of(weights("b", 2, 5, 4)),
                List.of(node("Gemm", List.of("a", "b"), List.of("y"), attribute("transB", 1L))), List.of("y")));
        cases.add(binary("MatMul 3-D by 2-D", 13, floats("a", 1, 2, 3, 4), floats("b", 2, 4, 5), "MatMul"));
        cases.add(binary("MatMul 1-D by 2-D", 13, floats("a", 1, 4), floats("b", 2, 4, 5), "MatMul"));
        cases.add(binary("MatMul broadcast batch", 13, floats("a", 1, 2, 1, 3, 4), floats("b", 2, 5, 4, 6),
                "MatMul"));
    }

    private static void elementwise(List<Case> cases) {
        cases.add(binary("Add broadcast", 13, floats("a", 1, 2, 3, 4), floats("b", 2, 4), "Add"));
        cases.add(binary("Sub both broadcast", 13, floats("a", 1, 3, 1), floats("b", 2, 1, 4), "Sub"));
        cases.add(binary("Mul", 7, floats("a", 1, 2, 3), floats("b", 2, 2, 3), "Mul"));
        cases.add(binary("Div float", 13, floats("a", 1, 2, 3), uniform("b", 2, 0.5, 2, 3), "Div"));
        cases.add(binary("Div int64 truncates", 13, longs("a", new long[] {7, -7, 9, -1}, 4),
                longs("b", new long[] {2, 2, -4, 3}, 4), "Div"));
        cases.add(binary("Pow", 13, uniform("a", 1, 0.1, 3, 2, 3), floats("b", 2, 3), "Pow"));
        cases.add(new Case("Pow int64 exponent", 13, list(floats("a", 1, 2, 3)), List.of(int64s("e", 3)),
                List.of(node("Pow", List.of("a", "e"), List.of("y"))), List.of("y")));
        cases.add(unary("Sqrt", 13, uniform("x", 1, 0, 4, 2, 5), "Sqrt"));
        cases.add(unary("Erf", 13, floats("x", 1, 2, 5), "Erf"));
        cases.add(new Case("Equal and Where", 13, list(longs("a", new long[] {1, 2, 3, 4}, 4),
                longs("b", new long[] {1, 0, 3, 0}, 4), floats("x", 3, 4), floats("z", 4, 4)), List.of(),
                List.of(node("Equal", List.of("a", "b"), List.of("mask")),
                        node("Where", List.of("mask", "x", "z"), List.of("y"))), List.of("y")));
    }

    private static void activations(List<Case> cases) {
        HostTensor x = floats("x", 5, 2, 3, 4);
        cases.add(unary("Relu", 14, x, "Relu"));
        cases.add(unary("LeakyRelu alpha 0.2", 13, x, "LeakyRelu", attribute("alpha", 0.2f)));
        cases.add(unary("Sigmoid", 13, x, "Sigmoid"));
        cases.add(unary("Tanh", 13, x, "Tanh"));
        cases.add(unary("Softmax opset 11 axis 1 (2-D view)", 11, x, "Softmax", attribute("axis", 1L)));
        cases.add(unary("Softmax opset 11 default axis", 11, x, "Softmax"));
        cases.add(unary("Softmax opset 13 axis 1", 13, x, "Softmax", attribute("axis", 1L)));
        cases.add(unary("Softmax opset 13 axis -1", 13, x, "Softmax", attribute("axis", -1L)));
        cases.add(unary("LogSoftmax opset 7 default axis", 7, x, "LogSoftmax"));
        cases.add(unary("LogSoftmax opset 13 axis 0", 13, x, "LogSoftmax", attribute("axis", 0L)));
        cases.add(unary("Gelu exact", 20, x, "Gelu"));
        cases.add(unary("Gelu tanh", 20, x, "Gelu", attribute("approximate", "tanh")));
    }

    private static Case conv(String name, long opset, long[] input, long[] weight, boolean bias,
                             AttributeProto... attributes) {
        List<TensorProto> initializers = new ArrayList<>(List.of(weights("w", 2, weight)));
        List<String> inputs = new ArrayList<>(List.of("x", "w"));
        if (bias) {
            initializers.add(weights("b", 3, weight[0]));
            inputs.add("b");
        }
        return new Case(name, opset, list(floats("x", 1, input)), initializers,
                List.of(node("Conv", inputs, List.of("y"), attributes)), List.of("y"));
    }

    private static void convolutions(List<Case> cases) {
        long[] image = {2, 4, 7, 6};
        cases.add(conv("Conv symmetric pads", 11, image, new long[] {3, 4, 3, 3}, true,
                attribute("pads", 1L, 1L, 1L, 1L)));
        cases.add(conv("Conv asymmetric pads", 11, image, new long[] {3, 4, 3, 3}, true,
                attribute("pads", 0L, 1L, 2L, 0L)));
        cases.add(conv("Conv strides and dilations", 11, image, new long[] {3, 4, 2, 2}, true,
                attribute("strides", 2L, 1L), attribute("dilations", 2L, 2L)));
        cases.add(conv("Conv groups", 11, image, new long[] {6, 2, 3, 3}, true, attribute("group", 2L)));
        cases.add(conv("Conv depthwise without bias", 11, image, new long[] {4, 1, 3, 3}, false,
                attribute("group", 4L), attribute("pads", 1L, 1L, 1L, 1L)));
        cases.add(conv("Conv auto_pad SAME_UPPER stride 2", 11, image, new long[] {3, 4, 3, 3}, true,
                attribute("auto_pad", "SAME_UPPER"), attribute("strides", 2L, 2L)));
        cases.add(conv("Conv auto_pad SAME_LOWER stride 2", 11, image, new long[] {3, 4, 2, 2}, true,
                attribute("auto_pad", "SAME_LOWER"), attribute("strides", 2L, 2L)));
        cases.add(conv("Conv auto_pad VALID", 11, image, new long[] {3, 4, 3, 3}, true,
                attribute("auto_pad", "VALID")));
        cases.add(conv("Conv 1-D", 11, new long[] {2, 3, 9}, new long[] {4, 3, 3}, true,
                attribute("pads", 2L, 0L)));
    }

    private static void pooling(List<Case> cases) {
        HostTensor x = floats("x", 9, 2, 3, 7, 6);
        cases.add(unary("MaxPool 2x2 stride 2", 12, x, "MaxPool", attribute("kernel_shape", 2L, 2L),
                attribute("strides", 2L, 2L)));
        cases.add(unary("MaxPool asymmetric pads", 12, x, "MaxPool", attribute("kernel_shape", 3L, 3L),
                attribute("pads", 1L, 0L, 0L, 2L)));
        cases.add(unary("MaxPool ceil_mode", 12, x, "MaxPool", attribute("kernel_shape", 2L, 2L),
                attribute("strides", 2L, 2L), attribute("ceil_mode", 1L)));
        cases.add(unary("MaxPool ceil_mode with pads", 12, x, "MaxPool", attribute("kernel_shape", 3L, 3L),
                attribute("strides", 2L, 2L), attribute("pads", 1L, 1L, 1L, 1L), attribute("ceil_mode", 1L)));
        cases.add(unary("MaxPool auto_pad SAME_UPPER", 12, x, "MaxPool", attribute("kernel_shape", 3L, 3L),
                attribute("strides", 2L, 2L), attribute("auto_pad", "SAME_UPPER")));
        cases.add(unary("AveragePool plain", 11, x, "AveragePool", attribute("kernel_shape", 2L, 2L),
                attribute("strides", 2L, 2L)));
        cases.add(unary("AveragePool pads, count_include_pad 0", 11, x, "AveragePool",
                attribute("kernel_shape", 3L, 3L), attribute("pads", 1L, 0L, 1L, 2L)));
        cases.add(unary("AveragePool pads, count_include_pad 1", 11, x, "AveragePool",
                attribute("kernel_shape", 3L, 3L), attribute("pads", 1L, 0L, 1L, 2L),
                attribute("count_include_pad", 1L)));
        cases.add(unary("AveragePool ceil_mode", 11, x, "AveragePool", attribute("kernel_shape", 2L, 2L),
                attribute("strides", 2L, 2L), attribute("ceil_mode", 1L)));
        cases.add(unary("AveragePool ceil_mode, pads, count_include_pad 1", 19, x, "AveragePool",
                attribute("kernel_shape", 3L, 3L), attribute("strides", 2L, 2L), attribute("pads", 1L, 1L, 1L, 1L),
                attribute("ceil_mode", 1L), attribute("count_include_pad", 1L)));
        cases.add(unary("GlobalAveragePool", 13, x, "GlobalAveragePool"));
    }

    private static void normalization(List<Case> cases) {
        for (long opset : new long[] {9, 15}) {
            cases.add(new Case("BatchNormalization inference opset " + opset, opset, list(floats("x", 1, 2, 3, 4, 5)),
                    List.of(weights("scale", 2, 3), weights("bias", 3, 3), weights("mean", 4, 3),
                            OnnxTensors.floatTensor("var", new long[] {3}, new float[] {0.5f, 1.5f, 2f})),
                    List.of(node("BatchNormalization", List.of("x", "scale", "bias", "mean", "var"), List.of("y"),
                            attribute("epsilon", 1e-3f))), List.of("y")));
        }
        cases.add(new Case("LayerNormalization axis -1", 17, list(floats("x", 1, 2, 3, 8)),
                List.of(weights("gamma", 2, 8), weights("beta", 3, 8)),
                List.of(node("LayerNormalization", List.of("x", "gamma", "beta"), List.of("y"))), List.of("y")));
        cases.add(new Case("LayerNormalization axis 1 without bias", 17, list(floats("x", 1, 2, 3, 4)),
                List.of(weights("gamma", 2, 3, 4)), List.of(node("LayerNormalization", List.of("x", "gamma"),
                        List.of("y"), attribute("axis", 1L), attribute("epsilon", 1e-3f))), List.of("y")));
        cases.add(new Case("Dropout inference", 13, list(floats("x", 1, 2, 3)),
                List.of(OnnxTensors.floatScalar("ratio", 0.3f)),
                List.of(node("Dropout", List.of("x", "ratio"), List.of("y"))), List.of("y")));
    }

    private static void shapes(List<Case> cases) {
        HostTensor x = floats("x", 3, 2, 3, 4);
        cases.add(unary("Flatten axis 0", 13, x, "Flatten", attribute("axis", 0L)));
        cases.add(unary("Flatten axis 2", 13, x, "Flatten", attribute("axis", 2L)));
        cases.add(unary("Flatten axis -1", 13, x, "Flatten", attribute("axis", -1L)));
        cases.add(new Case("Reshape with 0 and -1", 13, list(x), List.of(int64s("shape", 0, -1, 2)),
                List.of(node("Reshape", List.of("x", "shape"), List.of("y"))), List.of("y")));
        cases.add(new Case("Reshape allowzero", 14, list(x), List.of(int64s("shape", 4, 6)),
                List.of(node("Reshape", List.of("x", "shape"), List.of("y"), attribute("allowzero", 1L))),
                List.of("y")));
        cases.add(unary("Transpose default", 13, x, "Transpose"));
        cases.add(unary("Transpose perm", 13, x, "Transpose", attribute("perm", 1L, 0L, 2L)));
        cases.add(new Case("Concat negative axis", 13, list(x, floats("z", 4, 2, 3, 2)), List.of(),
                List.of(node("Concat", List.of("x", "z"), List.of("y"), attribute("axis", -1L))), List.of("y")));
        cases.add(unary("Slice opset 9 attributes", 9, x, "Slice", attribute("starts", 1L, 0L),
                attribute("ends", 3L, -1L), attribute("axes", 1L, 2L)));
        cases.add(new Case("Slice negative steps, clamped ends", 13, list(x),
                List.of(int64s("starts", -1, 10), int64s("ends", Long.MIN_VALUE, 0), int64s("axes", -1, 1),
                        int64s("steps", -2, -1)),
                List.of(node("Slice", List.of("x", "starts", "ends", "axes", "steps"), List.of("y"))),
                List.of("y")));
        cases.add(new Case("Slice steps 2, default axes", 13, list(x),
                List.of(int64s("starts", 0, 1), int64s("ends", 2, Long.MAX_VALUE)),
                List.of(node("Slice", List.of("x", "starts", "ends"), List.of("y"))), List.of("y")));
        cases.add(new Case("Gather axis 1 negative indices", 13, list(x, longs("i", new long[] {-1, 0, 2, -3}, 2, 2)),
                List.of(), List.of(node("Gather", List.of("x", "i"), List.of("y"), attribute("axis", 1L))),
                List.of("y")));
        cases.add(new Case("Gather scalar index", 13, list(x), List.of(OnnxTensors.int64Tensor("i", new long[0],
                new long[] {-1})), List.of(node("Gather", List.of("x", "i"), List.of("y"), attribute("axis", 2L))),
                List.of("y")));
        cases.add(new Case("Gather embedding rows", 13, list(longs("ids", new long[] {3, 0, 4, 4}, 2, 2)),
                List.of(weights("table", 6, 5, 3)), List.of(node("Gather", List.of("table", "ids"), List.of("y"))),
                List.of("y")));
        cases.add(unary("Unsqueeze opset 11 attribute", 11, x, "Unsqueeze", attribute("axes", 0L, 4L)));
        cases.add(new Case("Unsqueeze opset 13 input, negative axis", 13, list(x), List.of(int64s("axes", -1, 1)),
                List.of(node("Unsqueeze", List.of("x", "axes"), List.of("y"))), List.of("y")));
        cases.add(unary("Squeeze opset 11 without axes", 11, floats("x", 1, 1, 3, 1, 2), "Squeeze"));
        cases.add(new Case("Squeeze opset 13 input", 13, list(floats("x", 1, 1, 3, 1, 2)),
                List.of(int64s("axes", -2)), List.of(node("Squeeze", List.of("x", "axes"), List.of("y"))),
                List.of("y")));
        cases.add(unary("Shape", 13, x, "Shape"));
        cases.add(unary("Shape start and end", 15, x, "Shape", attribute("start", -2L), attribute("end", 10L)));
        cases.add(new Case("Expand", 13, list(floats("x", 1, 3, 1)), List.of(int64s("shape", 2, 1, 4)),
                List.of(node("Expand", List.of("x", "shape"), List.of("y"))), List.of("y")));
        cases.add(unary("ReduceMean axes attribute, keepdims 0", 13, x, "ReduceMean", attribute("axes", 1L, -1L),
                attribute("keepdims", 0L)));
        cases.add(unary("ReduceMean all axes", 13, x, "ReduceMean"));
        cases.add(new Case("ReduceMean opset 18 axes input", 18, list(x), List.of(int64s("axes", 2)),
                List.of(node("ReduceMean", List.of("x", "axes"), List.of("y"))), List.of("y")));
        cases.add(new Case("ReduceSum opset 13 axes input", 13, list(x), List.of(int64s("axes", 0)),
                List.of(node("ReduceSum", List.of("x", "axes"), List.of("y"), attribute("keepdims", 0L))),
                List.of("y")));
        cases.add(new Case("Shape arithmetic into Reshape", 13, list(x), List.of(int64s("zero", 0),
                int64s("minus", -1)), List.of(node("Shape", List.of("x"), List.of("s")),
                node("Gather", List.of("s", "zero"), List.of("batch"), attribute("axis", 0L)),
                node("Concat", List.of("batch", "minus"), List.of("target"), attribute("axis", 0L)),
                node("Reshape", List.of("x", "target"), List.of("y"))), List.of("y")));
    }

    private static void constants(List<Case> cases) {
        HostTensor x = floats("x", 3, 2, 3);
        cases.add(new Case("Constant value_floats", 13, list(x), List.of(), List.of(
                node("Constant", List.of(), List.of("c"), AttributeProto.newBuilder().setName("value_floats")
                        .setType(AttributeProto.AttributeType.FLOATS).addFloats(1f).addFloats(2f).addFloats(3f)
                        .build()),
                node("Add", List.of("x", "c"), List.of("y"))), List.of("y")));
        cases.add(new Case("Constant value_float and value tensor", 13, list(x), List.of(), List.of(
                node("Constant", List.of(), List.of("c"), attribute("value_float", 0.5f)),
                node("Constant", List.of(), List.of("t"), attribute("value",
                        OnnxTensors.floatTensor("", new long[] {2, 1}, new float[] {-1f, 4f}))),
                node("Mul", List.of("x", "c"), List.of("m")),
                node("Add", List.of("m", "t"), List.of("y"))), List.of("y")));
        cases.add(new Case("Constant value_ints into ConstantOfShape int64", 13, list(x), List.of(), List.of(
                node("Constant", List.of(), List.of("shape"), attribute("value_ints", 2L, 3L)),
                node("ConstantOfShape", List.of("shape"), List.of("fill"), attribute("value",
                        OnnxTensors.int64Tensor("", new long[] {1}, new long[] {7}))),
                node("Cast", List.of("fill"), List.of("f"), attribute("to", (long) TensorProto.DataType.FLOAT_VALUE)),
                node("Add", List.of("x", "f"), List.of("y"))), List.of("y")));
        cases.add(unary("Cast float to int64 truncates", 13, uniform("x", 1, -5, 5, 8), "Cast",
                attribute("to", (long) TensorProto.DataType.INT64_VALUE)));
        cases.add(unary("Cast float to bool", 13, longs("x", new long[] {0, 2, -1}, 3), "Cast",
                attribute("to", (long) TensorProto.DataType.BOOL_VALUE)));
        cases.add(unary("Identity", 13, x, "Identity"));
    }
}
