package io.condenser.testing;

import static io.condenser.engine.onnx.OnnxNodes.attribute;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.SplittableRandom;

/** Small convolutional models built in code: the shapes static quantization and batch-norm folding work on. */
public final class ConvTestModels {

    /** Input channels and side of {@link #cnn}'s images. */
    public static final int CHANNELS = 3;
    public static final int SIDE = 12;

    private ConvTestModels() {
    }

    /**
     * A small image classifier on [batch, 3, 12, 12]: Conv+BatchNormalization+Relu, MaxPool, a depthwise Conv (group =
     * channels, no bias)+BatchNormalization+Relu, a pointwise Conv+Relu, MaxPool, Flatten and a Gemm (transB=1) to 10
     * logits. The batch norms have non-trivial statistics, so a wrong fold changes the outputs.
     */
    public static ModelProto cnn(long opset, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OnnxGraphBuilder builder = OnnxGraphBuilder.create("cnn", opset)
                .input("image", DataType.FLOAT, "batch", CHANNELS, SIDE, SIDE)
                .floatInitializer("conv1.weight", new long[] {8, CHANNELS, 3, 3},
                        TestModels.gaussian(random, 8 * CHANNELS * 9, 1 / Math.sqrt(CHANNELS * 9)))
                .floatInitializer("conv1.bias", new long[] {8}, TestModels.gaussian(random, 8, 0.1))
                .floatInitializer("depthwise.weight", new long[] {8, 1, 3, 3},
                        TestModels.gaussian(random, 8 * 9, 1 / 3.0))
                .floatInitializer("pointwise.weight", new long[] {16, 8, 1, 1},
                        TestModels.gaussian(random, 16 * 8, 1 / Math.sqrt(8)))
                .floatInitializer("pointwise.bias", new long[] {16}, TestModels.gaussian(random, 16, 0.1))
                .floatInitializer("fc.weight", new long[] {10, 16 * 3 * 3},
                        TestModels.gaussian(random, 10 * 144, 1 / Math.sqrt(144)))
                .floatInitializer("fc.bias", new long[] {10}, TestModels.gaussian(random, 10, 0.1));
        batchNormParameters(builder, "bn1", 8, random);
        batchNormParameters(builder, "bn2", 8, random);
        return builder
                .node("Conv", List.of("image", "conv1.weight", "conv1.bias"), List.of("c1"),
                        attribute("kernel_shape", 3L, 3L), attribute("pads", 1L, 1L, 1L, 1L))
                .node("BatchNormalization", List.of("c1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"),
                        List.of("b1"), attribute("epsilon", 1e-5f))
                .node("Relu", List.of("b1"), List.of("r1"))
                .node("MaxPool", List.of("r1"), List.of("p1"), attribute("kernel_shape", 2L, 2L),
                        attribute("strides", 2L, 2L))
                .node("Conv", List.of("p1", "depthwise.weight"), List.of("c2"),
                        attribute("kernel_shape", 3L, 3L), attribute("pads", 1L, 1L, 1L, 1L), attribute("group", 8L))
                .node("BatchNormalization", List.of("c2", "bn2.scale", "bn2.bias", "bn2.mean", "bn2.var"),
                        List.of("b2"), attribute("epsilon", 1e-3f))
                .node("Relu", List.of("b2"), List.of("r2"))
                .node("Conv", List.of("r2", "pointwise.weight", "pointwise.bias"), List.of("c3"),
                        attribute("kernel_shape", 1L, 1L))
                .node("Relu", List.of("c3"), List.of("r3"))
                .node("MaxPool", List.of("r3"), List.of("p3"), attribute("kernel_shape", 2L, 2L),
                        attribute("strides", 2L, 2L))
                .node("Flatten", List.of("p3"), List.of("flat"), attribute("axis", 1L))
                .node("Gemm", List.of("flat", "fc.weight", "fc.bias"), List.of("logits"), attribute("transB", 1L))
                .output("logits", DataType.FLOAT, "batch", 10)
                .build();
    }

    /**
     * A two-layer perceptron on [batch, 16] whose hidden layer is a Gemm (transB=0, alpha 0.5, beta 2) followed by
     * BatchNormalization and Relu: the fully connected form of batch-norm folding.
     */
    public static ModelProto gemmBatchNorm(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OnnxGraphBuilder builder = OnnxGraphBuilder.create("gemm_bn", 17)
                .input("input", DataType.FLOAT, "batch", 16)
                .floatInitializer("fc1.weight", new long[] {16, 32}, TestModels.gaussian(random, 16 * 32, 0.25))
                .floatInitializer("fc1.bias", new long[] {32}, TestModels.gaussian(random, 32, 0.1))
                .floatInitializer("fc2.weight", new long[] {32, 4}, TestModels.gaussian(random, 32 * 4, 0.2));
        batchNormParameters(builder, "bn", 32, random);
        return builder
                .node("Gemm", List.of("input", "fc1.weight", "fc1.bias"), List.of("h"),
                        attribute("alpha", 0.5f), attribute("beta", 2.0f))
                .node("BatchNormalization", List.of("h", "bn.scale", "bn.bias", "bn.mean", "bn.var"),
                        List.of("hn"))
                .node("Relu", List.of("hn"), List.of("a"))
                .node("MatMul", List.of("a", "fc2.weight"), List.of("output"))
                .output("output", DataType.FLOAT, "batch", 4)
                .build();
    }

    /**
     * A Conv whose output feeds a BatchNormalization and is also a graph output of its own, so the batch norm cannot be
     * folded into it.
     */
    public static ModelProto convWithSharedOutput(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OnnxGraphBuilder builder = OnnxGraphBuilder.create("shared_conv", 17)
                .input("image", DataType.FLOAT, "batch", 2, 6, 6)
                .floatInitializer("conv.weight", new long[] {4, 2, 3, 3}, TestModels.gaussian(random, 72, 0.3));
        batchNormParameters(builder, "bn", 4, random);
        return builder
                .node("Conv", List.of("image", "conv.weight"), List.of("features"), attribute("kernel_shape", 3L, 3L))
                .node("BatchNormalization", List.of("features", "bn.scale", "bn.bias", "bn.mean", "bn.var"),
                        List.of("normalized"))
                .output("normalized", DataType.FLOAT, "batch", 4, 4, 4)
                .output("features", DataType.FLOAT, "batch", 4, 4, 4)
                .build();
    }

    /**
     * A residual block on [batch, 4, 8, 8]: stem Conv+Relu, two Convs on the branch, the branch added to the stem output
     * (Add), Relu, a last Conv and global average pooling to [batch, 4, 1, 1].
     */
    public static ModelProto residualBlock(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OnnxGraphBuilder builder = OnnxGraphBuilder.create("residual", 17)
                .input("image", DataType.FLOAT, "batch", 4, 8, 8);
        for (String conv : List.of("stem", "branch1", "branch2", "head")) {
            builder.floatInitializer(conv + ".weight", new long[] {4, 4, 3, 3},
                            TestModels.gaussian(random, 4 * 4 * 9, 1 / Math.sqrt(4 * 9)))
                    .floatInitializer(conv + ".bias", new long[] {4}, TestModels.gaussian(random, 4, 0.1));
        }
        return builder
                .node("Conv", List.of("image", "stem.weight", "stem.bias"), List.of("s"), pad1())
                .node("Relu", List.of("s"), List.of("stem"))
                .node("Conv", List.of("stem", "branch1.weight", "branch1.bias"), List.of("b1"), pad1())
                .node("Relu", List.of("b1"), List.of("branch"))
                .node("Conv", List.of("branch", "branch2.weight", "branch2.bias"), List.of("b2"), pad1())
                .node("Add", List.of("b2", "stem"), List.of("sum"))
                .node("Relu", List.of("sum"), List.of("block"))
                .node("Conv", List.of("block", "head.weight", "head.bias"), List.of("h"), pad1())
                .node("GlobalAveragePool", List.of("h"), List.of("pooled"))
                .output("pooled", DataType.FLOAT, "batch", 4, 1, 1)
                .build();
    }

    /**
     * One Conv on [batch, 2, 5, 5] whose first output channel has weights of about 1e-9 and a bias of 100: with the
     * usual bias scale (input scale × weight scale) that bias does not fit in int32.
     */
    public static ModelProto tinyWeightsLargeBias(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] weights = TestModels.gaussian(random, 3 * 2 * 9, 0.3);
        for (int i = 0; i < 18; i++) {
            weights[i] *= 1e-8f;
        }
        return OnnxGraphBuilder.create("tiny_weights", 17)
                .input("image", DataType.FLOAT, "batch", 2, 5, 5)
                .floatInitializer("conv.weight", new long[] {3, 2, 3, 3}, weights)
                .floatInitializer("conv.bias", new long[] {3}, new float[] {100f, 0.5f, -0.2f})
                .node("Conv", List.of("image", "conv.weight", "conv.bias"), List.of("features"),
                        attribute("kernel_shape", 3L, 3L))
                .output("features", DataType.FLOAT, "batch", 3, 3, 3)
                .build();
    }

    /** A Gemm whose output goes through Clip(0, 6) (ReLU6, as opset 11+ writes it) into a second Gemm. */
    public static ModelProto gemmRelu6(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return OnnxGraphBuilder.create("relu6", 17)
                .input("input", DataType.FLOAT, "batch", 16)
                .floatInitializer("fc1.weight", new long[] {32, 16}, TestModels.gaussian(random, 32 * 16, 0.5))
                .floatInitializer("fc1.bias", new long[] {32}, TestModels.gaussian(random, 32, 0.5))
                .floatInitializer("fc2.weight", new long[] {4, 32}, TestModels.gaussian(random, 4 * 32, 0.2))
                .floatInitializer("low", new long[0], new float[] {0f})
                .floatInitializer("high", new long[0], new float[] {6f})
                .node("Gemm", List.of("input", "fc1.weight", "fc1.bias"), List.of("h"), attribute("transB", 1L))
                .node("Clip", List.of("h", "low", "high"), List.of("a"))
                .node("Gemm", List.of("a", "fc2.weight"), List.of("output"), attribute("transB", 1L))
                .output("output", DataType.FLOAT, "batch", 4)
                .build();
    }

    private static AttributeProto[] pad1() {
        return new AttributeProto[] {attribute("kernel_shape", 3L, 3L),
                attribute("pads", 1L, 1L, 1L, 1L)};
    }

    /** Batch-norm parameters of one layer: scale around 1, shift, running mean and a positive running variance. */
    private static void batchNormParameters(OnnxGraphBuilder builder, String name, int channels,
                                            SplittableRandom random) {
        float[] scale = new float[channels];
        float[] variance = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = (float) random.nextDouble(0.5, 1.5);
            variance[c] = (float) random.nextDouble(0.3, 2.0);
        }
        builder.floatInitializer(name + ".scale", new long[] {channels}, scale)
                .floatInitializer(name + ".bias", new long[] {channels}, TestModels.gaussian(random, channels, 0.2))
                .floatInitializer(name + ".mean", new long[] {channels}, TestModels.gaussian(random, channels, 0.5))
                .floatInitializer(name + ".var", new long[] {channels}, variance);
    }
}
