package io.condenser.testing;

import static io.condenser.engine.onnx.OnnxNodes.attribute;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.engine.onnx.OnnxModelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small models of the architectures Condenser compresses, built in code with the engine's own graph builder. */
public final class TestModels {

    /** Evaluation settings that, with {@link #slowJobModel()}, keep a job running for many seconds. */
    public static final Map<String, Object> SLOW_JOB_EVALUATION =
            Map.of("samples", 1024, "batchSize", 1024, "latencyRuns", 1000);

    private TestModels() {
    }

    /** A LeNet-300-100-like classifier as PyTorch exports it: Flatten, Gemm(transB=1), Relu, Gemm; opset 17. */
    public static ModelProto mlp(int inputs, int hidden, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return OnnxGraphBuilder.create("mlp", 17)
                .input("input", DataType.FLOAT, "batch", inputs)
                .floatInitializer("fc1.weight", new long[] {hidden, inputs}, gaussian(random, hidden * inputs,
                        1 / Math.sqrt(inputs)))
                .floatInitializer("fc1.bias", new long[] {hidden}, gaussian(random, hidden, 0.1))
                .floatInitializer("fc2.weight", new long[] {classes, hidden}, gaussian(random, classes * hidden,
                        1 / Math.sqrt(hidden)))
                .floatInitializer("fc2.bias", new long[] {classes}, gaussian(random, classes, 0.1))
                .node("Flatten", List.of("input"), List.of("flat"), attribute("axis", 1L))
                .node("Gemm", List.of("flat", "fc1.weight", "fc1.bias"), List.of("h1"),
                        attribute("alpha", 1.0f), attribute("beta", 1.0f), attribute("transB", 1L))
                .node("Relu", List.of("h1"), List.of("a1"))
                .node("Gemm", List.of("a1", "fc2.weight", "fc2.bias"), List.of("logits"),
                        attribute("transB", 1L))
                .output("logits", DataType.FLOAT, "batch", classes)
                .build();
    }

    /**
     * One transformer encoder block on [batch, sequence, hidden] inputs: LayerNormalization, Q/K/V projections
     * (MatMul + Add), single-head attention (MatMul of activations, Softmax), output projection and a residual.
     */
    public static ModelProto transformerBlock(int hidden, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double std = 1 / Math.sqrt(hidden);
        OnnxGraphBuilder builder = OnnxGraphBuilder.create("encoder_block", 17)
                .input("x", DataType.FLOAT, "batch", "sequence", hidden)
                .floatInitializer("ln.gamma", new long[] {hidden}, constant(hidden, 1f))
                .floatInitializer("ln.beta", new long[] {hidden}, constant(hidden, 0f))
                .floatInitializer("scale", new long[0], new float[] {(float) (1 / Math.sqrt(hidden))})
                .node("LayerNormalization", List.of("x", "ln.gamma", "ln.beta"), List.of("xn"),
                        attribute("axis", -1L), attribute("epsilon", 1e-5f));
        for (String projection : List.of("q", "k", "v", "o")) {
            builder.floatInitializer(projection + ".weight", new long[] {hidden, hidden},
                            gaussian(random, hidden * hidden, std))
                    .floatInitializer(projection + ".bias", new long[] {hidden}, gaussian(random, hidden, 0.02));
        }
        return builder
                .node("MatMul", List.of("xn", "q.weight"), List.of("q0"))
                .node("Add", List.of("q0", "q.bias"), List.of("q"))
                .node("MatMul", List.of("xn", "k.weight"), List.of("k0"))
                .node("Add", List.of("k0", "k.bias"), List.of("k"))
                .node("MatMul", List.of("xn", "v.weight"), List.of("v0"))
                .node("Add", List.of("v0", "v.bias"), List.of("v"))
                .node("Transpose", List.of("k"), List.of("kt"), attribute("perm", 0L, 2L, 1L))
                .node("MatMul", List.of("q", "kt"), List.of("scores0"))
                .node("Mul", List.of("scores0", "scale"), List.of("scores"))
                .node("Softmax", List.of("scores"), List.of("attention"), attribute("axis", -1L))
                .node("MatMul", List.of("attention", "v"), List.of("context"))
                .node("MatMul", List.of("context", "o.weight"), List.of("o0"))
                .node("Add", List.of("o0", "o.bias"), List.of("o"))
                .node("Add", List.of("o", "x"), List.of("y"))
                .output("y", DataType.FLOAT, "batch", "sequence", hidden)
                .build();
    }

    /** Token ids through an embedding table (Gather) and a projection: [batch, sequence] int64 → float. */
    public static ModelProto embedding(int vocabulary, int width, int projected, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return OnnxGraphBuilder.create("embedding", 17)
                .input("input_ids", DataType.INT64, "batch", "sequence")
                .floatInitializer("embeddings", new long[] {vocabulary, width},
                        gaussian(random, vocabulary * width, 1.0))
                .floatInitializer("projection", new long[] {width, projected},
                        gaussian(random, width * projected, 1 / Math.sqrt(width)))
                .node("Gather", List.of("embeddings", "input_ids"), List.of("embedded"), attribute("axis", 0L))
                .node("MatMul", List.of("embedded", "projection"), List.of("projected"))
                .output("projected", DataType.FLOAT, "batch", "sequence", projected)
                .build();
    }

    /**
     * A model and evaluation settings whose job runs for many seconds on any CPU (2000 timed runs of a 1024x1024
     * product on 1024 samples), so that tests can act on a job while it runs. Each run checks for cancellation.
     */
    public static ModelProto slowJobModel() {
        return mlp(1024, 1024, 10, 99);
    }

    public static Path write(ModelProto model, Path file) throws IOException {
        OnnxModelFiles.write(model, file);
        return file;
    }

    public static float[] gaussian(SplittableRandom random, int count, double std) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }

    private static float[] constant(int count, float value) {
        float[] values = new float[count];
        Arrays.fill(values, value);
        return values;
    }
}
