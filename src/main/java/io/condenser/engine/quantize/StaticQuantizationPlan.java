package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxDomains;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where static quantization puts QuantizeLinear/DequantizeLinear pairs, decided from the graph alone (no tensor
 * values), so a job can be checked against a model before it is queued. The placement follows what ONNX Runtime needs
 * to fuse each group into an integer kernel:
 * <ul>
 *   <li>Conv, Gemm and MatMul with a constant weight, and MatMul of two activations (attention), read dequantized
 *       activations. A Conv output is always quantized (QLinearConv has no float output); a Gemm or MatMul output
 *       only when a quantized consumer reads it, since ONNX Runtime also fuses the float-output forms (QGemm,
 *       MatMulIntegerToFloat) and the float result is more exact.</li>
 *   <li>A Relu, or a Clip starting at 0, that alone reads such an output is absorbed: the output's quantization range
 *       starts at 0, so QuantizeLinear clips as the activation did.</li>
 *   <li>Data-movement operators (MaxPool, Reshape, Flatten, Transpose, Squeeze, Unsqueeze) whose input is quantized and
 *       whose output leads to a quantized consumer pass the tensor on with the same scale and zero point, so the
 *       runtime runs them on the integers.</li>
 *   <li>Add and Mul of two quantized tensors (residual connections) are quantized when their result is read
 *       quantized (QLinearAdd, QLinearMul).</li>
 * </ul>
 * Every other tensor that a quantized operator reads is quantized right after its producer; float operators keep
 * reading the float tensor unless its producer is quantized itself.
 */
public final class StaticQuantizationPlan {

    /** QuantizeLinear and DequantizeLinear first appear in opset 10. */
    public static final long MIN_OPSET = 10;

    /** DequantizeLinear's {@code axis} (per-channel scales) arrives in opset 13. */
    public static final long MIN_PER_CHANNEL_OPSET = 13;

    /** Operators whose output holds (a selection of) their input's values, so its quantization carries over. */
    private static final Set<String> PASS_THROUGH = Set.of("MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze",
            "Unsqueeze");

    /** The role of a node in the quantized graph. */
    public enum Kind {
        /** Conv with a constant weight: QLinearConv. */
        CONV,
        /** Gemm with a constant weight: QGemm. */
        GEMM,
        /** MatMul with a constant weight: QLinearMatMul or MatMulIntegerToFloat. */
        MATMUL,
        /** MatMul of two activations: QLinearMatMul. */
        ACTIVATION_MATMUL,
        /** Add or Mul of two quantized activations: QLinearAdd, QLinearMul. */
        ELEMENTWISE,
        /** Data movement on a quantized tensor. */
        PASS_THROUGH
    }

    /**
     * A node that computes on quantized tensors.
     *
     * @param weight             the constant weight of CONV, GEMM and MATMUL nodes, else null
     * @param absorbedActivation the Relu or Clip folded into the node's output quantization, or null
     */
    public record QuantizedNode(NodeProto node, Kind kind, TensorProto weight, NodeProto absorbedActivation) {

        /** The tensor the node's result is known by afterwards: the absorbed activation's output, if any. */
        public String output() {
            return absorbedActivation != null ? absorbedActivation.getOutput(0) : node.getOutput(0);
        }
    }

    private final GraphIndex index;
    private final Set<String> graphOutputs;
    private final long opset;
    private final Map<NodeProto, QuantizedNode> quantized = new IdentityHashMap<>();
    private final List<QuantizedNode> ordered = new ArrayList<>();
    private final Set<NodeProto> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Quantized tensor → the tensor whose calibrated range gives its scale and zero point (itself, or upstream). */
    private final Map<String, String> parameterSources = new LinkedHashMap<>();
    private final List<SkippedNode> skipped = new ArrayList<>();

    private StaticQuantizationPlan(ModelProto model) {
        this.index = GraphIndex.of(model);
        this.graphOutputs = model.getGraph().getOutputList().stream().map(ValueInfoProto::getName)
                .collect(Collectors.toSet());
        this.opset = ModelInspector.defaultOpset(model);
        List<NodeProto> nodes = model.getGraph().getNodeList().stream()
                .filter(n -> OnnxDomains.normalize(n.getDomain()).isEmpty()).toList();
        for (NodeProto node : nodes) {
            considerCompute(node);
        }
        for (QuantizedNode compute : List.copyOf(ordered)) {
            for (String input : activationInputs(compute)) {
                parameterSources.putIfAbsent(input, input);
            }
            if (compute.kind() == Kind.CONV || compute.absorbedActivation() != null) {
                parameterSources.putIfAbsent(compute.output(), compute.output());
            }
        }
        Set<String> wanted = wantedQuantized(nodes);
        for (NodeProto node : nodes) {
            if (!quantized.containsKey(node) && !absorbed.contains(node)) {
                considerDownstream(node, wanted);
            }
        }
    }

    /**
     * @throws UnsupportedModelException when the model's opset is too old for QuantizeLinear/DequantizeLinear, or for
     *                                   per-channel weights when they are asked for
     */
    public static StaticQuantizationPlan of(ModelProto model, StaticQuantizationOptions options) {
        long opset = ModelInspector.defaultOpset(model);
        if (opset < MIN_OPSET) {
            throw new UnsupportedModelException("static quantization emits QuantizeLinear and DequantizeLinear, which"
                    + " need ONNX opset " + MIN_OPSET + " or later; the model uses opset " + opset
                    + " (re-export it with a newer opset)");
        }
        if (options.perChannel() && opset < MIN_PER_CHANNEL_OPSET) {
            throw new UnsupportedModelException("per-channel weights need DequantizeLinear's axis attribute, which"
                    + " arrived in ONNX opset " + MIN_PER_CHANNEL_OPSET + "; the model uses opset " + opset
                    + ": quantize with one scale per weight tensor (perChannel=false) or re-export the model with"
                    + " opset " + MIN_PER_CHANNEL_OPSET + " or later");
        }
        return new StaticQuantizationPlan(model);
    }

    /** Why static quantization cannot be applied to the model with these options, or empty when it can. */
    public static Optional<String> whyNotApplicable(ModelProto model, StaticQuantizationOptions options) {
        try {
            StaticQuantizationPlan plan = of(model, options);
            if (!plan.isEmpty()) {
                return Optional.empty();
            }
            String reasons = plan.skipped.stream().limit(3).map(s -> s.node() + ": " + s.reason())
                    .collect(Collectors.joining("; "));
            return Optional.of("the model has no Conv, Gemm or MatMul that static quantization can rewrite"
                    + (reasons.isEmpty() ? "" : " (" + reasons + ")"));
        } catch (UnsupportedModelException e) {
            return Optional.of(e.getMessage());
        }
    }

    public Optional<QuantizedNode> quantizedNode(NodeProto node) {
        return Optional.ofNullable(quantized.get(node));
    }

    public List<QuantizedNode> quantizedNodes() {
        return List.copyOf(ordered);
    }

    /** True for a Relu or Clip whose effect the quantization of its input's producer takes over. */
    public boolean isAbsorbed(NodeProto node) {
        return absorbed.contains(node);
    }

    public boolean isQuantized(String tensor) {
        return parameterSources.containsKey(tensor);
    }

    /** The tensor whose calibrated range sets the scale and zero point of a quantized tensor. */
    public String parameterSource(String tensor) {
        String source = parameterSources.get(tensor);
        if (source == null) {
            throw new IllegalArgumentException("tensor '" + tensor + "' is not quantized");
        }
        return source;
    }

    /** The tensors calibration must measure. */
    public Set<String> calibratedTensors() {
        return new LinkedHashSet<>(parameterSources.values());
    }

    /** Nodes that looked like candidates but stay in floating point, each with the reason. */
    public List<SkippedNode> skipped() {
        return List.copyOf(skipped);
    }

    /** True when no Conv, Gemm or MatMul can be quantized (data movement alone is not worth it). */
    public boolean isEmpty() {
        return ordered.stream().noneMatch(q -> q.kind() != Kind.PASS_THROUGH && q.kind() != Kind.ELEMENTWISE);
    }

    /** The non-constant inputs a node reads quantized. */
    public static List<String> activationInputs(QuantizedNode node) {
        NodeProto n = node.node();
        return switch (node.kind()) {
            case CONV, GEMM, MATMUL, PASS_THROUGH -> List.of(n.getInput(0));
            case ACTIVATION_MATMUL, ELEMENTWISE -> List.of(n.getInput(0), n.getInput(1));
        };
    }

    private void considerCompute(NodeProto node) {
        switch (node.getOpType()) {
            case "Conv" -> considerConv(node);
            case "Gemm" -> considerGemm(node);
            case "MatMul" -> considerMatMul(node);
            default -> {
            }
        }
    }

    private void considerConv(NodeProto node) {
        if (isConstant(node.getInput(0))) {
            skip(node, "its input is a constant; fold constants before quantizing");
            return;
        }
        ConstantWeight weight = ConstantWeight.of(node, 1, index);
        if (!weight.found()) {
            skip(node, weight.whyNot());
        } else if (weight.tensor().getDimsCount() < 3) {
            skip(node, "its weight has rank " + weight.tensor().getDimsCount() + "; a Conv weight has rank 3 or more");
        } else if (!isConstantVector(node, 2, weight.tensor().getDims(0), false)) {
            skip(node, "its bias is not a constant float vector of " + weight.tensor().getDims(0) + " values");
        } else {
            accept(node, Kind.CONV, weight.tensor());
        }
    }

    private void considerGemm(NodeProto node) {
        if (OnnxNodes.intAttribute(node, "transA", 0) != 0) {
            skip(node, "Gemm with transA=1 is left in floating point");
            return;
        }
        if (isConstant(node.getInput(0))) {
            skip(node, "its first input is a constant; fold constants before quantizing");
            return;
        }
        ConstantWeight weight = ConstantWeight.of(node, 1, index);
        if (!weight.found()) {
            skip(node, weight.whyNot());
            return;
        }
        TensorProto b = weight.tensor();
        if (b.getDimsCount() != 2) {
            skip(node, "its weight has rank " + b.getDimsCount() + "; only matrices are quantized");
            return;
        }
        long columns = OnnxNodes.intAttribute(node, "transB", 0) != 0 ? b.getDims(0) : b.getDims(1);
        if (!isConstantVector(node, 2, columns, true)) {
            skip(node, "its bias C is not a constant float vector of " + columns + " values (or a scalar)");
        } else {
            accept(node, Kind.GEMM, b);
        }
    }

    private void considerMatMul(NodeProto node) {
        if (isConstant(node.getInput(0))) {
            skip(node, "its first input is a constant; only products with the weight second are quantized");
            return;
        }
        String second = node.getInput(1);
        if (!index.isOverridableInitializer(second) && index.initializer(second).isEmpty()) {
            accept(node, Kind.ACTIVATION_MATMUL, null);
            return;
        }
        ConstantWeight weight = ConstantWeight.of(node, 1, index);
        if (!weight.found()) {
            skip(node, weight.whyNot());
        } else if (weight.tensor().getDimsCount() != 2) {
            skip(node, "its weight has rank " + weight.tensor().getDimsCount() + "; only matrices are quantized");
        } else {
            accept(node, Kind.MATMUL, weight.tensor());
        }
    }

    /**
     * Tensors that a quantized operator reads, directly or through data-movement operators: quantizing a
     * data-movement operator only pays when its output is read quantized.
     */
    private Set<String> wantedQuantized(List<NodeProto> nodes) {
        Set<String> wanted = new HashSet<>(parameterSources.keySet());
        for (NodeProto node : nodes.reversed()) {
            if (isPassThrough(node) && wanted.contains(node.getOutput(0))) {
                wanted.add(node.getInput(0));
            }
        }
        return wanted;
    }

    private void considerDownstream(NodeProto node, Set<String> wanted) {
        if (isPassThrough(node) && parameterSources.containsKey(node.getInput(0))
                && wanted.contains(node.getOutput(0))) {
            // The output gets the input's scale and zero point even where a consumer also wanted it calibrated.
            parameterSources.put(node.getOutput(0), parameterSources.get(node.getInput(0)));
            accept(node, Kind.PASS_THROUGH, null);
        } else if ((node.getOpType().equals("Add") || node.getOpType().equals("Mul")) && node.getInputCount() == 2
                && parameterSources.containsKey(node.getInput(0)) && parameterSources.containsKey(node.getInput(1))) {
            NodeProto activation = absorbableActivation(node.getOutput(0));
            String output = activation != null ? activation.getOutput(0) : node.getOutput(0);
            if (wanted.contains(output)) {
                QuantizedNode elementwise = accept(node, Kind.ELEMENTWISE, null, activation);
                parameterSources.putIfAbsent(elementwise.output(), elementwise.output());
            }
        }
    }

    private static boolean isPassThrough(NodeProto node) {
        return PASS_THROUGH.contains(node.getOpType()) && node.getInputCount() > 0 && node.getOutputCount() == 1;
    }

    private void accept(NodeProto node, Kind kind, TensorProto weight) {
        boolean computes = kind != Kind.PASS_THROUGH;
        accept(node, kind, weight, computes ? absorbableActivation(node.getOutput(0)) : null);
    }

    private QuantizedNode accept(NodeProto node, Kind kind, TensorProto weight, NodeProto activation) {
        QuantizedNode quantizedNode = new QuantizedNode(node, kind, weight, activation);
        quantized.put(node, quantizedNode);
        ordered.add(quantizedNode);
        if (activation != null) {
            absorbed.add(activation);
        }
        return quantizedNode;
    }

    /** The Relu, or Clip with lower bound 0, that alone reads {@code output}; null when there is none. */
    private NodeProto absorbableActivation(String output) {
        List<NodeProto> consumers = index.consumers(output);
        if (graphOutputs.contains(output) || consumers.size() != 1) {
            return null;
        }
        NodeProto consumer = consumers.getFirst();
        if (!OnnxDomains.normalize(consumer.getDomain()).isEmpty() || !consumer.getInput(0).equals(output)
                || absorbed.contains(consumer)) {
            return null;
        }
        boolean absorbable = switch (consumer.getOpType()) {
            case "Relu" -> true;
            case "Clip" -> clipStartsAtZero(consumer);
            default -> false;
        };
        return absorbable ? consumer : null;
    }

    /** Clip's lower bound is an attribute before opset 11 and an optional input from then on. */
    private boolean clipStartsAtZero(NodeProto clip) {
        if (opset < 11) {
            return OnnxNodes.find(clip, "min").map(a -> a.getF() == 0.0f).orElse(false);
        }
        if (clip.getInputCount() < 2 || clip.getInput(1).isEmpty()) {
            return false;
        }
        return index.constant(clip.getInput(1))
                .filter(t -> OnnxTensors.elementCount(t) == 1 && t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                .map(t -> OnnxTensors.floats(t).get(0) == 0.0f)
                .orElse(false);
    }

    private boolean isConstant(String tensor) {
        return index.constant(tensor).isPresent();
    }

    /** Whether input {@code input} is absent, or a constant float vector of {@code length} (or, if allowed, 1) values. */
    private boolean isConstantVector(NodeProto node, int input, long length, boolean scalarAllowed) {
        if (node.getInputCount() <= input || node.getInput(input).isEmpty()) {
            return true;
        }
        ConstantWeight vector = ConstantWeight.of(node, input, index);
        if (!vector.found()) {
            return false;
        }
        long count = OnnxTensors.elementCount(vector.tensor());
        long last = vector.tensor().getDimsCount() == 0 ? 1
                : vector.tensor().getDims(vector.tensor().getDimsCount() - 1);
        return (count == length && last == length) || (scalarAllowed && count == 1);
    }

    private void skip(NodeProto node, String reason) {
        skipped.add(new SkippedNode(OnnxNodes.describe(node), node.getOpType(), reason));
    }
}
