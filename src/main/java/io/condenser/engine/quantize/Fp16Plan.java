package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.onnx.ElementTypes;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.OnnxDomains;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where fp16 conversion computes in fp16 and where it stays fp32, decided without touching tensor values so a job spec
 * can be checked before it is queued. Operators in the options' keep list (and those whose spec or role demands float:
 * quantization operators, Range, control flow, custom domains) compute in fp32. Data-movement operators (Reshape,
 * Transpose, Gather, …) follow their inputs, so a chain of fp32 operators is not interrupted by Casts; the rest
 * compute in fp16. Float initializers and Constant values are stored fp16 wherever they are read.
 */
public final class Fp16Plan {

    /** The precision a node computes in. */
    public enum Precision {
        FP16, FP32
    }

    /** Operators that stay fp32 whatever the options say: their specs fix float inputs or they hold subgraphs. */
    static final Set<String> ALWAYS_FP32 = Set.of("Range", "Celu", "DynamicQuantizeLinear", "QuantizeLinear",
            "DequantizeLinear", "QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger", "NonMaxSuppression",
            "TfIdfVectorizer", "If", "Loop", "Scan");

    /** Operators that only move, select or reshape data: computing them in either precision changes nothing. */
    static final Set<String> FOLLOWERS = Set.of("Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
            "Transpose", "Concat", "Slice", "Split", "Gather", "GatherElements", "GatherND", "Expand", "Tile",
            "DepthToSpace", "SpaceToDepth", "Cast", "ConstantOfShape", "Dropout", "Shape", "Size");

    /** Inputs the spec types as FLOAT whatever the other inputs are (Resize's scales). */
    private static final Map<String, Set<Integer>> FLOAT_ONLY_INPUTS = Map.of("Resize", Set.of(2));

    /** Outputs computed in float even by an fp16 node (LayerNormalization's mean and inverse deviation). */
    private static final Map<String, Set<Integer>> FLOAT_ONLY_OUTPUTS = Map.of("LayerNormalization", Set.of(1, 2));

    private final ElementTypes types;
    private final Precision[] precisions;
    private final Set<String> convertedInitializers;
    private final List<SkippedNode> skipped;

    private Fp16Plan(ElementTypes types, Precision[] precisions, Set<String> convertedInitializers,
                     List<SkippedNode> skipped) {
        this.types = types;
        this.precisions = precisions;
        this.convertedInitializers = convertedInitializers;
        this.skipped = List.copyOf(skipped);
    }

    /** @throws UnsupportedModelException when the model holds what the conversion cannot handle */
    public static Fp16Plan of(ModelProto model, Fp16Options options) {
        GraphProto graph = model.getGraph();
        if (graph.getSparseInitializerCount() > 0) {
            throw new UnsupportedModelException("the model has sparse initializers, which fp16 conversion does not"
                    + " handle yet");
        }
        ElementTypes types = ElementTypes.of(model);
        for (NodeProto node : graph.getNodeList()) {
            for (String output : node.getOutputList()) {
                if (!output.isEmpty() && types.of(output).isEmpty()) {
                    throw new UnsupportedModelException("the element type of '" + output + "', output of "
                            + OnnxNodes.describe(node) + " (" + node.getOpType() + "), is not declared and not known"
                            + " from the operator; run ONNX shape inference on the model first");
                }
            }
        }
        return new Planner(model, options, types).plan();
    }

    /** The precision of the main graph's node at this index, or null when the node touches no float tensor. */
    public Precision precision(int nodeIndex) {
        return precisions[nodeIndex];
    }

    public List<SkippedNode> skipped() {
        return skipped;
    }

    /** How many nodes compute in the given precision, by operator type. */
    public Map<String, Integer> counts(ModelProto model, Precision precision) {
        Map<String, Integer> counts = new TreeMap<>();
        List<NodeProto> nodes = model.getGraph().getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            if (precisions[i] == precision) {
                counts.merge(nodes.get(i).getOpType(), 1, Integer::sum);
            }
        }
        return counts;
    }

    ElementTypes types() {
        return types;
    }

    boolean convertsInitializer(String name) {
        return convertedInitializers.contains(name);
    }

    static boolean floatOnlyInput(NodeProto node, int input) {
        return FLOAT_ONLY_INPUTS.getOrDefault(node.getOpType(), Set.of()).contains(input);
    }

    static boolean floatOnlyOutput(NodeProto node, int output) {
        return FLOAT_ONLY_OUTPUTS.getOrDefault(node.getOpType(), Set.of()).contains(output);
    }

    /** The decisions of one plan, in topological order. */
    private static final class Planner {
        private final ModelProto model;
        private final Fp16Options options;
        private final ElementTypes types;
        private final GraphIndex index;
        private final Set<String> graphOutputs = new HashSet<>();
        private final Set<String> constants = new HashSet<>();
        private final Map<String, Precision> activations = new HashMap<>();
        private final Map<String, Boolean> wantsFp16 = new HashMap<>();
        private final List<SkippedNode> skipped = new ArrayList<>();

        Planner(ModelProto model, Fp16Options options, ElementTypes types) {
            this.model = model;
            this.options = options;
            this.types = types;
            this.index = GraphIndex.of(model);
            model.getGraph().getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        }

        Fp16Plan plan() {
            GraphProto graph = model.getGraph();
            Precision inputs = options.keepIoTypes() ? Precision.FP32 : Precision.FP16;
            for (ValueInfoProto input : graph.getInputList()) {
                activations.put(input.getName(), inputs);
            }
            Set<String> converted = new HashSet<>();
            for (TensorProto initializer : graph.getInitializerList()) {
                if (initializer.getDataType() == DataType.FLOAT_VALUE && storedHalf(initializer.getName())) {
                    converted.add(initializer.getName());
                    constants.add(initializer.getName());
                    activations.remove(initializer.getName());
                } else {
                    activations.put(initializer.getName(), Precision.FP32);
                }
            }
            List<NodeProto> nodes = graph.getNodeList();
            Precision[] precisions = new Precision[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                NodeProto node = nodes.get(i);
                if (node.getOpType().equals("Constant") && OnnxDomains.normalize(node.getDomain()).isEmpty()) {
                    constants.addAll(node.getOutputList());
                    continue;
                }
                if (touchesFloat(node)) {
                    precisions[i] = decide(node);
                    for (int o = 0; o < node.getOutputCount(); o++) {
                        activations.put(node.getOutput(o), floatOnlyOutput(node, o) ? Precision.FP32 : precisions[i]);
                    }
                }
            }
            return new Fp16Plan(types, precisions, converted, skipped);
        }

        /**
         * An initializer is stored fp16 unless it is part of the graph's interface (a graph output, or an input callers
         * may override) or only read where the spec demands FLOAT.
         */
        private boolean storedHalf(String name) {
            if (graphOutputs.contains(name) || index.isOverridableInitializer(name)) {
                return false;
            }
            for (NodeProto consumer : index.consumers(name)) {
                for (int i = 0; i < consumer.getInputCount(); i++) {
                    if (consumer.getInput(i).equals(name) && !floatOnlyInput(consumer, i)) {
                        return true;
                    }
                }
                if (!consumer.getInputList().contains(name)) {
                    return true;
                }
            }
            return false;
        }

        private boolean touchesFloat(NodeProto node) {
            return node.getInputList().stream().anyMatch(types::isFloat)
                    || node.getOutputList().stream().anyMatch(types::isFloat)
                    || GraphIndex.referencedNames(node).stream().anyMatch(types::isFloat);
        }

        private Precision decide(NodeProto node) {
            String op = node.getOpType();
            if (!OnnxDomains.normalize(node.getDomain()).isEmpty()) {
                skip(node, "operators outside the default ONNX domain keep computing in fp32");
                return Precision.FP32;
            }
            if (ALWAYS_FP32.contains(op)) {
                if (op.equals("If") || op.equals("Loop") || op.equals("Scan")) {
                    skip(node, "its subgraphs are kept in fp32");
                }
                return Precision.FP32;
            }
            if (options.keepFp32Ops().contains(op)) {
                return Precision.FP32;
            }
            if (!FOLLOWERS.contains(op)) {
                return Precision.FP16;
            }
            boolean anyActivation = false;
            for (String input : node.getInputList()) {
                if (types.isFloat(input) && !constants.contains(input)) {
                    anyActivation = true;
                    if (activations.get(input) == Precision.FP16) {
                        return Precision.FP16;
                    }
                }
            }
            if (anyActivation) {
                return Precision.FP32;
            }
            return node.getOutputList().stream().anyMatch(this::wantsFp16) ? Precision.FP16 : Precision.FP32;
        }

        /** Whether any reader of the tensor computes in fp16, looking through data-movement operators. */
        private boolean wantsFp16(String tensor) {
            Boolean known = wantsFp16.get(tensor);
            if (known != null) {
                return known;
            }
            boolean wants = graphOutputs.contains(tensor) && !options.keepIoTypes();
            for (NodeProto consumer : index.consumers(tensor)) {
                String op = consumer.getOpType();
                boolean fp32 = !OnnxDomains.normalize(consumer.getDomain()).isEmpty() || ALWAYS_FP32.contains(op)
                        || options.keepFp32Ops().contains(op);
                if (!fp32) {
                    wants |= !FOLLOWERS.contains(op) || consumer.getOutputList().stream().anyMatch(this::wantsFp16);
                }
            }
            wantsFp16.put(tensor, wants);
            return wants;
        }

        private void skip(NodeProto node, String reason) {
            skipped.add(new SkippedNode(OnnxNodes.describe(node), node.getOpType(), reason));
        }
    }
}
