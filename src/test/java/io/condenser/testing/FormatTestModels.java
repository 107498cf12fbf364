package io.condenser.testing;

import static io.condenser.engine.onnx.OnnxNodes.attribute;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small models for the number-format conversions: old opsets, Gemm variants, a CNN, fp16 edge cases. */
public final class FormatTestModels {

    private FormatTestModels() {
    }

    /**
     * An opset-13 model with a weight product and a ReduceMean whose axes are still an attribute (an input from
     * opset 18 on): x[batch, 16] → MatMul(W[16, 12]) → ReduceMean(axes=[1], keepdims) → [batch, 1], plus the
     * product itself as a second output.
     */
    public static ModelProto reduceMeanOpset13(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return OnnxGraphBuilder.create("reduce_mean_13", 13)
                .input("x", DataType.FLOAT, "batch", 16)
                .floatInitializer("w", new long[] {16, 12}, TestModels.gaussian(random, 16 * 12, 0.25))
                .node("MatMul", List.of("x", "w"), List.of("h"))
                .node("ReduceMean", List.of("h"), List.of("mean"), attribute("axes", new long[] {1}), attribute("keepdims", 1L))
                .output("h", DataType.FLOAT, "batch", 12)
                .output("mean", DataType.FLOAT, "batch", 1)
                .build();
    }

    /**
     * An opset-11 model whose Unsqueeze, Squeeze, Split and ReduceSum carry the attributes that became inputs at
     * opset 13, and a Split without sizes (which needs num_outputs at 18): x[batch, 8] → MatMul(W[8, 8]) → …
     */
    public static ModelProto attributesThatBecameInputs(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return OnnxGraphBuilder.create("opset_11", 11)
                .input("x", DataType.FLOAT, "batch", 8)
                .floatInitializer("w", new long[] {8, 8}, TestModels.gaussian(random, 64, 0.3))
                .node("MatMul", List.of("x", "w"), List.of("h"))
                .node("Unsqueeze", List.of("h"), List.of("h3"), attribute("axes", new long[] {1}))
                .node("Squeeze", List.of("h3"), List.of("h2"), attribute("axes", new long[] {1}))
                .node("Split", List.of("h2"), List.of("left", "right"), attribute("axis", 1L),
                        attribute("split", 3L, 5L))
                .node("Split", List.of("h2"), List.of("half1", "half2"), attribute("axis", 1L))
                .node("ReduceSum", List.of("right"), List.of("sum"), attribute("axes", new long[] {1}), attribute("keepdims", 0L))
                .node("ReduceMax", List.of("half2"), List.of("max"), attribute("axes", new long[] {1}), attribute("keepdims", 0L))
                .output("left", DataType.FLOAT, "batch", 3)
                .output("half1", DataType.FLOAT, "batch", 4)
                .output("sum", DataType.FLOAT, "batch")
                .output("max", DataType.FLOAT, "batch")
                .build();
    }

    /** A product followed by an operator that meant something else before opset 13 (Softmax, opset 11). */
    public static ModelProto softmaxOpset11(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return OnnxGraphBuilder.create("softmax_11", 11)
                .input("x", DataType.FLOAT, "batch", 16)
                .floatInitializer("w", new long[] {16, 10}, TestModels.gaussian(random, 160, 0.25))
                .node("MatMul", List.of("x", "w"), List.of("logits"))
                .node("Softmax", List.of("logits"), List.of("probabilities"), attribute("axis", 1L))
                .output("probabilities", DataType.FLOAT, "batch", 10)
                .build();
    }

    /** A product followed by Upsample (opset 9), an operator deprecated at opset 10 and so not on any allow-list. */
    public static ModelProto upsampleOpset9(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return OnnxGraphBuilder.create("upsample_9", 9)
                .input("x", DataType.FLOAT, 1, 4)
                .floatInitializer("w", new long[] {4, 4}, TestModels.gaussian(random, 16, 0.5))
                .floatInitializer("scales", new long[] {2}, new float[] {1, 2})
                .node("MatMul", List.of("x", "w"), List.of("h"))
                .node("Upsample", List.of("h", "scales"), List.of("y"))
                .output("y", DataType.FLOAT, 1, 8)
                .build();
    }

    /** y = alpha · x · op(W) + beta · c, with W stored [K, N] or, when transposed, [N, K]. */
    public static ModelProto gemm(int k, int n, float alpha, float beta, boolean transposed, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] dims = transposed ? new long[] {n, k} : new long[] {k, n};
        return OnnxGraphBuilder.create("gemm", 17)
                .input("x", DataType.FLOAT, "batch", k)
                .floatInitializer("w", dims, TestModels.gaussian(random, k * n, 1 / Math.sqrt(k)))
                .floatInitializer("c", new long[] {n}, TestModels.gaussian(random, n, 0.5))
                .node("Gemm", List.of("x", "w", "c"), List.of("y"), attribute("alpha", alpha),
                        attribute("beta", beta), attribute("transB", transposed ? 1L : 0L))
                .output("y", DataType.FLOAT, "batch", n)
                .build();
    }

    /**
     * A small CNN: x[batch, 1, 12, 12] → Conv(4 filters 3x3) → Relu → MaxPool(2) → Flatten → Gemm(transB) → [batch,
     * 10]; opset 17.
     */
    public static ModelProto cnn(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return OnnxGraphBuilder.create("cnn", 17)
                .input("x", DataType.FLOAT, "batch", 1, 12, 12)
                .floatInitializer("conv.weight", new long[] {4, 1, 3, 3}, TestModels.gaussian(random, 36, 0.3))
                .floatInitializer("conv.bias", new long[] {4}, TestModels.gaussian(random, 4, 0.1))
                .floatInitializer("fc.weight", new long[] {10, 100}, TestModels.gaussian(random, 1000, 0.1))
                .floatInitializer("fc.bias", new long[] {10}, TestModels.gaussian(random, 10, 0.1))
                .node("Conv", List.of("x", "conv.weight", "conv.bias"), List.of("c"),
                        attribute("kernel_shape", 3L, 3L))
                .node("Relu", List.of("c"), List.of("r"))
                .node("MaxPool", List.of("r"), List.of("p"), attribute("kernel_shape", 2L, 2L),
                        attribute("strides", 2L, 2L))
                .node("Flatten", List.of("p"), List.of("f"), attribute("axis", 1L))
                .node("Gemm", List.of("f", "fc.weight", "fc.bias"), List.of("logits"), attribute("transB", 1L))
                .output("logits", DataType.FLOAT, "batch", 10)
                .build();
    }

    /**
     * x[batch, 4] → MatMul(W) → h (a graph output, also read on) → Mul(0.5 from a Constant) → y, where W holds one
     * value beyond fp16's range (1e6) and one below its smallest subnormal (1e-9).
     */
    public static ModelProto hugeAndTinyWeights(long seed) {
        float[] w = TestModels.gaussian(new SplittableRandom(seed), 16, 0.5);
        w[5] = 1e6f;
        w[10] = 1e-9f;
        return OnnxGraphBuilder.create("huge_and_tiny", 17)
                .input("x", DataType.FLOAT, "batch", 4)
                .floatInitializer("w", new long[] {4, 4}, w)
                .node("MatMul", List.of("x", "w"), List.of("h"))
                .node("Constant", List.of(), List.of("half"), attribute("value_float", 0.5f))
                .node("Mul", List.of("h", "half"), List.of("y"))
                .output("y", DataType.FLOAT, "batch", 4)
                .output("h", DataType.FLOAT, "batch", 4)
                .build();
    }

    /**
     * Float values that do not come from initializers: a Cast of integers to FLOAT, a ConstantOfShape without a value
     * (FLOAT zeros) and a Constant tensor, all added to x[batch, 4].
     */
    public static ModelProto floatSources() {
        return OnnxGraphBuilder.create("float_sources", 17)
                .input("x", DataType.FLOAT, "batch", 4)
                .int64Initializer("counts", new long[] {4}, new long[] {1, 2, 3, 4})
                .node("Cast", List.of("counts"), List.of("counts_float"),
                        attribute("to", (long) DataType.FLOAT_VALUE))
                .node("Add", List.of("x", "counts_float"), List.of("a"))
                .node("Shape", List.of("x"), List.of("shape"))
                .node("ConstantOfShape", List.of("shape"), List.of("zeros"))
                .node("Add", List.of("a", "zeros"), List.of("b"))
                .node("Constant", List.of(), List.of("offset"), attribute("value",
                        OnnxTensors.floatTensor("", new long[] {4}, new float[] {0.25f, -0.5f, 1, 2})))
                .node("Mul", List.of("b", "offset"), List.of("y"))
                .output("y", DataType.FLOAT, "batch", 4)
                .build();
    }

    /**
     * x[batch, 4] → MatMul(W) → h, then If(flag) whose branches read h from the outer scope: Relu(h) or Neg(h).
     */
    public static ModelProto ifReadingOuterTensor(long seed) {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(OnnxNodes.node("Relu", "then_relu", List.of("h"), List.of("then_out")))
                .addOutput(OnnxGraphBuilder.valueInfo("then_out", DataType.FLOAT, "batch", 4)).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(OnnxNodes.node("Neg", "else_neg", List.of("h"), List.of("else_out")))
                .addOutput(OnnxGraphBuilder.valueInfo("else_out", DataType.FLOAT, "batch", 4)).build();
        return OnnxGraphBuilder.create("if", 17)
                .input("x", DataType.FLOAT, "batch", 4)
                .floatInitializer("w", new long[] {4, 4}, TestModels.gaussian(new SplittableRandom(seed), 16, 0.5))
                .initializer(OnnxTensors.byteTensor("flag", DataType.BOOL, new long[0], new byte[] {1}))
                .node("MatMul", List.of("x", "w"), List.of("h"))
                .node("If", List.of("flag"), List.of("y"), AttributeProto.newBuilder().setName("then_branch")
                                .setType(AttributeType.GRAPH).setG(thenBranch).build(),
                        AttributeProto.newBuilder().setName("else_branch").setType(AttributeType.GRAPH)
                                .setG(elseBranch).build())
                .output("y", DataType.FLOAT, "batch", 4)
                .build();
    }

    /** The model with the named FLOAT initializers' values replaced (same shapes). */
    public static ModelProto withWeights(ModelProto model, Map<String, float[]> values) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto tensor = graph.getInitializer(i);
            float[] replacement = values.get(tensor.getName());
            if (replacement != null) {
                long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
                graph.setInitializer(i, OnnxTensors.floatTensor(tensor.getName(), dims, replacement));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }
}
