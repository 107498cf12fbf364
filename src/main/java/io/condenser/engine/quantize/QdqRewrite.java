package io.condenser.engine.quantize;

import static io.condenser.engine.onnx.OnnxNodes.attribute;
import static io.condenser.engine.onnx.OnnxNodes.node;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.GraphRewrite;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.quantize.ActivationType.ActivationParameters;
import io.condenser.engine.quantize.StaticQuantizationPlan.QuantizedNode;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link StaticQuantizationPlan} into the graph in QDQ form: QuantizeLinear → DequantizeLinear pairs on
 * activations, int8 weights and int32 biases behind DequantizeLinear, the original operators in between. ONNX Runtime
 * recognizes each DequantizeLinear → operator → QuantizeLinear group and runs it as one integer kernel.
 *
 * <p>Weights are symmetric int8 ([-127, 127]) without a zero point, which DequantizeLinear then takes as 0; Gemm
 * weights keep an explicit zero point because ONNX Runtime only fuses QGemm with one. A bias is stored as int32 with
 * scale input scale × weight scale, what QLinearConv and QGemm add to their int32 sums; where that scale is too fine
 * for the bias to fit in int32, the weight scale of that channel is raised until it fits.
 *
 * <p>Added tensors get the short suffixes of the QDQ vocabulary ({@code _q}, {@code _dq}, {@code _zp}) and added nodes
 * no name (names are optional in ONNX): every name is stored at each use, and in a small model they add up to a
 * measurable share of the file (about 1 % of LeNet-5's).
 */
final class QdqRewrite {

    private final StaticQuantizationPlan plan;
    private final StaticQuantizationOptions options;
    private final Map<String, TensorRange> ranges;
    private final ModelProto model;
    private final GraphRewrite graph;
    private final GraphIndex index;
    private final Map<String, ActivationNames> activationNames = new HashMap<>();
    /** Quantized tensor → the name its dequantized values are read under. */
    private final Map<String, String> dequantized = new HashMap<>();
    private final Map<String, DequantizedWeight> weights = new HashMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();

    QdqRewrite(ModelProto model, StaticQuantizationPlan plan, Map<String, TensorRange> ranges,
               StaticQuantizationOptions options) {
        this.model = model;
        this.plan = plan;
        this.ranges = ranges;
        this.options = options;
        this.graph = new GraphRewrite(model);
        this.index = GraphIndex.of(model);
    }

    /** Quantized nodes of each operator type, data movement included; valid after {@link #rewrite}. */
    Map<String, Integer> quantizedCounts() {
        return counts;
    }

    ModelProto rewrite(TaskMonitor monitor) {
        for (ValueInfoProto input : model.getGraph().getInputList()) {
            if (plan.isQuantized(input.getName())) {
                quantizeFloatTensor(input.getName());
            }
        }
        List<NodeProto> nodes = model.getGraph().getNodeList();
        int done = 0;
        for (NodeProto node : nodes) {
            monitor.checkCancelled();
            if (!plan.isAbsorbed(node)) {
                plan.quantizedNode(node).ifPresentOrElse(this::rewriteQuantized, () -> keepFloat(node));
            }
            monitor.progress((double) ++done / nodes.size(), "writing the quantized graph");
        }
        return graph.build("condenser.quantization", "static qdq "
                + options.activationType().name().toLowerCase() + " activations, int8 "
                + (options.perChannel() ? "per-channel" : "per-tensor") + " weights, "
                + options.calibration().method().name().toLowerCase().replace('_', '-') + " calibration");
    }

    private void keepFloat(NodeProto node) {
        graph.add(node);
        for (String output : node.getOutputList()) {
            if (plan.isQuantized(output)) {
                quantizeFloatTensor(output);
            }
        }
    }

    /** A float producer's output: float consumers keep reading it; quantized ones read the dequantized copy. */
    private void quantizeFloatTensor(String tensor) {
        String copy = graph.name(tensor + "_dq");
        addQuantizeDequantize(tensor, tensor, copy);
        dequantized.put(tensor, copy);
    }

    private void rewriteQuantized(QuantizedNode quantized) {
        NodeProto node = quantized.node();
        String output = quantized.output();
        // ONNX Runtime fuses only when the node's result goes to QuantizeLinear alone, so it is written under a fresh
        // name and the dequantized values take over the original name for every consumer and graph output.
        boolean quantizedOutput = plan.isQuantized(output);
        String written = quantizedOutput ? graph.name(output + "_f") : output;
        NodeProto.Builder rewritten = node.toBuilder().setOutput(0, written);
        List<String> activations = StaticQuantizationPlan.activationInputs(quantized);
        for (int i = 0; i < activations.size(); i++) {
            rewritten.setInput(i, dequantizedName(activations.get(i)));
        }
        switch (quantized.kind()) {
            case CONV -> rewriteConv(quantized, rewritten);
            case GEMM -> rewriteGemm(quantized, rewritten);
            case MATMUL -> rewritten.setInput(1, weight(quantized, 1.0f, 1, null, false).name());
            case ACTIVATION_MATMUL, ELEMENTWISE, PASS_THROUGH -> {
            }
        }
        graph.add(rewritten.build());
        if (quantizedOutput) {
            addQuantizeDequantize(written, output, output);
            dequantized.put(output, output);
        }
        counts.merge(node.getOpType(), 1, Integer::sum);
    }

    private void rewriteConv(QuantizedNode conv, NodeProto.Builder rewritten) {
        NodeProto node = conv.node();
        boolean hasBias = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        float[] bias = hasBias ? floats(node.getInput(2), 1.0f, (int) conv.weight().getDims(0)) : null;
        DequantizedWeight weight = weight(conv, 1.0f, 0, bias, false);
        rewritten.setInput(1, weight.name());
        if (hasBias) {
            rewritten.setInput(2, bias(node, bias, weight));
        }
    }

    /** alpha goes into the weight and beta into the bias, so the fused QGemm computes A·B + C. */
    private void rewriteGemm(QuantizedNode gemm, NodeProto.Builder rewritten) {
        NodeProto node = gemm.node();
        boolean transposed = OnnxNodes.intAttribute(node, "transB", 0) != 0;
        int axis = transposed ? 0 : 1;
        float alpha = OnnxNodes.floatAttribute(node, "alpha", 1.0f);
        float beta = OnnxNodes.floatAttribute(node, "beta", 1.0f);
        boolean hasBias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() && beta != 0;
        float[] bias = hasBias ? floats(node.getInput(2), beta, (int) gemm.weight().getDims(axis)) : null;
        DequantizedWeight weight = weight(gemm, alpha, axis, bias, true);
        rewritten.setInput(1, weight.name());
        if (hasBias) {
            rewritten.setInput(2, bias(node, bias, weight));
        } else if (node.getInputCount() > 2) {
            List<String> kept = List.of(rewritten.getInput(0), rewritten.getInput(1));
            rewritten.clearInput().addAllInput(kept);
        }
        List<AttributeProto> attributes = node.getAttributeList().stream()
                .filter(a -> !a.getName().equals("alpha") && !a.getName().equals("beta")).toList();
        rewritten.clearAttribute().addAllAttribute(attributes);
    }

    /**
     * The node's weight as int8 behind a DequantizeLinear, shared by the nodes that read the same weight the same way.
     *
     * @param factor    multiplies the weight first (Gemm's alpha)
     * @param axis      the weight axis of the output channels
     * @param bias      the node's bias, whose int32 form may need larger weight scales; null without bias
     * @param zeroPoint store an explicit zero point of 0
     */
    private DequantizedWeight weight(QuantizedNode node, float factor, int axis, float[] bias, boolean zeroPoint) {
        TensorProto weight = node.weight();
        long[] dims = OnnxTensors.dims(weight);
        ChannelLayout layout = options.perChannel() ? ChannelLayout.along(dims, axis) : ChannelLayout.WHOLE_TENSOR;
        FloatBuffer values = scaled(OnnxTensors.floats(weight), factor);
        String key = weight.getName() + "|" + axis + "|" + factor + "|" + zeroPoint;
        DequantizedWeight shared = weights.get(key);
        if (shared == null) {
            QuantizedTensor quantized = LinearQuantizer.quantizeChannels(values, layout, WeightType.INT8, false);
            shared = addWeight(weight.getName(), dims, quantized, axis, zeroPoint);
            weights.put(key, shared);
        }
        if (bias == null) {
            return shared;
        }
        float[] fitting = scalesFittingBias(shared.scales(), bias, inputScale(node));
        if (fitting == shared.scales()) {
            return shared;
        }
        QuantizedTensor raised = LinearQuantizer.quantizeChannels(values, layout, fitting, new byte[fitting.length],
                WeightType.INT8, false);
        return addWeight(weight.getName(), dims, raised, axis, zeroPoint);
    }

    private DequantizedWeight addWeight(String name, long[] dims, QuantizedTensor quantized, int axis,
                                        boolean zeroPoint) {
        boolean perChannel = quantized.scales().length > 1 || options.perChannel();
        long[] scaleShape = perChannel ? new long[] {quantized.scales().length} : new long[0];
        String scale = graph.addInitializer(OnnxTensors.floatTensor("", scaleShape, quantized.scales()),
                name + "_scale");
        List<String> inputs = new ArrayList<>(List.of(
                graph.addInitializer(OnnxTensors.byteTensor("", DataType.INT8, dims, quantized.values()),
                        name + "_q"),
                scale));
        if (zeroPoint) {
            inputs.add(graph.addInitializer(OnnxTensors.byteTensor("", DataType.INT8, scaleShape,
                    new byte[quantized.scales().length]), name + "_zp"));
        }
        String output = graph.name(name + "_dq");
        graph.add(dequantizeNode(inputs, output, perChannel, axis));
        return new DequantizedWeight(output, scale, quantized.scales(), perChannel);
    }

    /**
     * The bias as int32 with scale input scale × weight scale, behind a DequantizeLinear. That scale is not stored: a
     * Mul of the two scales computes it (ONNX Runtime folds it to a constant at load), which keeps the file one float
     * per output channel smaller.
     */
    private String bias(NodeProto node, float[] bias, DequantizedWeight weight) {
        String inputScale = activationNames(node.getInput(0)).scale();
        float inputScaleValue = activationParameters(node.getInput(0)).scale();
        float[] weightScales = weight.scales();
        int[] values = new int[bias.length];
        for (int c = 0; c < values.length; c++) {
            // The same float32 product the Mul computes.
            float scale = inputScaleValue * weightScales[weightScales.length == 1 ? 0 : c];
            values[c] = (int) Math.clamp(Math.rint(bias[c] / scale), Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        String name = node.getInput(2);
        String scale = graph.name(name + "_scale");
        graph.add(node("Mul", "", List.of(inputScale, weight.scaleName()), List.of(scale)));
        String quantized = graph.addInitializer(OnnxTensors.int32Tensor("", new long[] {values.length}, values),
                name + "_q");
        String output = graph.name(name + "_dq");
        graph.add(dequantizeNode(List.of(quantized, scale), output, weight.perChannel(), 0));
        return output;
    }

    /** Weight scales raised where the int32 bias would otherwise overflow: |b| / (x_scale · w_scale) ≤ 2³¹ − 1. */
    private static float[] scalesFittingBias(float[] scales, float[] bias, float inputScale) {
        float[] fitting = scales;
        for (int c = 0; c < bias.length; c++) {
            int channel = scales.length == 1 ? 0 : c;
            double needed = Math.abs((double) bias[c]) / ((double) inputScale * Integer.MAX_VALUE);
            if (needed > fitting[channel]) {
                if (fitting == scales) {
                    fitting = scales.clone();
                }
                fitting[channel] = Math.nextUp((float) needed);
            }
        }
        return fitting;
    }

    private static NodeProto dequantizeNode(List<String> inputs, String output, boolean perChannel, int axis) {
        return perChannel ? node("DequantizeLinear", "", inputs, List.of(output), attribute("axis", (long) axis))
                : node("DequantizeLinear", "", inputs, List.of(output));
    }

    private void addQuantizeDequantize(String input, String tensor, String output) {
        ActivationNames parameters = activationNames(tensor);
        List<String> scaleAndZeroPoint = List.of(parameters.scale(), parameters.zeroPoint());
        String quantized = graph.name(tensor + "_q");
        List<String> quantizeInputs = new ArrayList<>(List.of(input));
        quantizeInputs.addAll(scaleAndZeroPoint);
        List<String> dequantizeInputs = new ArrayList<>(List.of(quantized));
        dequantizeInputs.addAll(scaleAndZeroPoint);
        graph.add(node("QuantizeLinear", "", quantizeInputs, List.of(quantized)));
        graph.add(node("DequantizeLinear", "", dequantizeInputs, List.of(output)));
    }

    /** Scale and zero point initializers, one pair per calibrated tensor, shared by the tensors that inherit them. */
    private ActivationNames activationNames(String tensor) {
        String source = plan.parameterSource(tensor);
        return activationNames.computeIfAbsent(source, s -> {
            ActivationParameters parameters = activationParameters(s);
            DataType type = options.activationType().onnxType();
            return new ActivationNames(
                    graph.addInitializer(OnnxTensors.floatScalar("", parameters.scale()), s + "_scale"),
                    graph.addInitializer(OnnxTensors.byteTensor("", type, new long[0],
                            new byte[] {(byte) parameters.zeroPoint()}), s + "_zp"));
        });
    }

    private ActivationParameters activationParameters(String tensor) {
        String source = plan.parameterSource(tensor);
        TensorRange range = ranges.get(source);
        if (range == null) {
            throw new IllegalStateException("tensor '" + source + "' was not calibrated");
        }
        return options.activationType().parameters(range);
    }

    private float inputScale(QuantizedNode node) {
        return activationParameters(node.node().getInput(0)).scale();
    }

    private String dequantizedName(String tensor) {
        String name = dequantized.get(tensor);
        if (name == null) {
            throw new IllegalStateException("tensor '" + tensor + "' is read before it is quantized");
        }
        return name;
    }

    /** A constant vector (or scalar, repeated) times {@code factor}, as {@code length} floats. */
    private float[] floats(String name, float factor, int length) {
        TensorProto tensor = index.constant(name).orElseThrow(() -> new IllegalStateException(
                "'" + name + "' is not a constant"));
        FloatBuffer values = OnnxTensors.floats(tensor);
        float[] result = new float[length];
        for (int i = 0; i < length; i++) {
            result[i] = values.get(values.remaining() == 1 ? 0 : i) * factor;
        }
        return result;
    }

    private static FloatBuffer scaled(FloatBuffer values, float factor) {
        if (factor == 1.0f) {
            return values;
        }
        float[] result = new float[values.remaining()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i) * factor;
        }
        return FloatBuffer.wrap(result);
    }

    private record ActivationNames(String scale, String zeroPoint) {
    }

    /** @param perChannel whether the scales are a vector along an axis (even of one channel) */
    private record DequantizedWeight(String name, String scaleName, float[] scales, boolean perChannel) {
    }
}
