package io.condenser.engine.quantize;

import static io.condenser.engine.onnx.OnnxNodes.attribute;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxDomains;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.onnx.UniqueNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Raises a model's default-domain opset to 21, where DequantizeLinear accepts 4-bit integers and block-wise scales,
 * when every operator of the graph (subgraphs included) means the same there ({@link OpsetCompatibility}). The
 * attributes that later opsets turned into inputs are converted: {@code axes} of ReduceSum, Squeeze and Unsqueeze and
 * {@code split} of Split (inputs since 13), {@code axes} of the other Reduce operators (since 18), and a Split
 * without sizes gets {@code num_outputs} (required since 18).
 */
public final class OpsetUpgrade {

    public static final long OPSET = 21;

    /** Opset 21 came with ONNX 1.16, whose IR version 10 introduced INT4 and UINT4. */
    public static final long IR_VERSION = 10;

    private static final Set<String> AXES_INPUT_SINCE_13 = Set.of("ReduceSum", "Squeeze", "Unsqueeze");
    private static final Set<String> AXES_INPUT_SINCE_18 = Set.of("ReduceL1", "ReduceL2", "ReduceLogSum",
            "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare");

    private OpsetUpgrade() {
    }

    /** Why the model cannot be raised to opset 21, or empty when it can or already uses opset 21 or later. */
    public static Optional<String> obstacle(ModelProto model) {
        long opset = ModelInspector.defaultOpset(model);
        if (opset >= OPSET) {
            return Optional.empty();
        }
        if (opset == 0) {
            return Optional.of("the model imports no version of the default ONNX operator set");
        }
        List<NodeProto> nodes = new ArrayList<>();
        Subgraphs.forEachNode(model.getGraph(), nodes::add);
        for (NodeProto node : nodes) {
            Optional<String> reason = obstacle(node, opset);
            if (reason.isPresent()) {
                return reason;
            }
        }
        return Optional.empty();
    }

    /**
     * The model at opset 21 or later: unchanged when it already is, otherwise converted.
     *
     * @param purpose what needs opset 21, for the message when the model cannot be raised
     * @throws UnsupportedModelException naming the operator that prevents the raise
     */
    public static ModelProto toOpset21(ModelProto model, String purpose) {
        long opset = ModelInspector.defaultOpset(model);
        if (opset >= OPSET) {
            return model;
        }
        obstacle(model).ifPresent(reason -> {
            throw new UnsupportedModelException(purpose + " needs ONNX opset " + OPSET + "; the model uses opset "
                    + opset + " and cannot be raised safely: " + reason);
        });
        GraphProto original = model.getGraph();
        UniqueNames names = new UniqueNames(original);
        // Reserve the names subgraphs define too, so an added axes tensor cannot collide with one of them.
        Subgraphs.forEachNode(original, n -> n.getOutputList().forEach(names::next));
        List<TensorProto> added = new ArrayList<>();
        GraphProto converted = Subgraphs.rewriteNodes(original, node -> convert(node, opset, names, added));

        GraphProto.Builder graph = converted.toBuilder().addAllInitializer(added);
        if (model.getIrVersion() < 4) {
            // Before IR 4 every initializer was also listed as a graph input, yet constant; from IR 4 on a listed
            // initializer is only a default that callers may replace, so the listing goes.
            Set<String> initializers = new HashSet<>();
            original.getInitializerList().forEach(t -> initializers.add(t.getName()));
            List<ValueInfoProto> inputs = graph.getInputList().stream()
                    .filter(i -> !initializers.contains(i.getName())).toList();
            graph.clearInput().addAllInput(inputs);
        }
        ModelProto.Builder result = model.toBuilder().setGraph(graph)
                .setIrVersion(Math.max(model.getIrVersion(), IR_VERSION));
        for (int i = 0; i < result.getOpsetImportCount(); i++) {
            OperatorSetIdProto imported = result.getOpsetImport(i);
            if (OnnxDomains.normalize(imported.getDomain()).isEmpty()) {
                result.setOpsetImport(i, imported.toBuilder().setVersion(OPSET));
            }
        }
        return result.build();
    }

    private static Optional<String> obstacle(NodeProto node, long opset) {
        if (!OnnxDomains.normalize(node.getDomain()).isEmpty()) {
            return Optional.empty();
        }
        String op = node.getOpType();
        OptionalLong since = OpsetCompatibility.sameMeaningAt21Since(op);
        if (since.isEmpty()) {
            return Optional.of("operator " + op + " (node " + OnnxNodes.describe(node)
                    + ") is not on the list of operators known to keep their meaning at opset " + OPSET);
        }
        if (opset < since.getAsLong()) {
            return Optional.of("operator " + op + " (node " + OnnxNodes.describe(node) + ") changed its meaning"
                    + " after opset " + opset + "; it means the same at opset " + OPSET + " only from opset "
                    + since.getAsLong() + " on");
        }
        if (op.equals("BatchNormalization") && opset < 14
                && node.getOutputList().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            return Optional.of("BatchNormalization node " + OnnxNodes.describe(node) + " uses its training outputs,"
                    + " which opset 14 replaced");
        }
        return Optional.empty();
    }

    private static NodeProto convert(NodeProto node, long opset, UniqueNames names, List<TensorProto> added) {
        if (!OnnxDomains.normalize(node.getDomain()).isEmpty()) {
            return node;
        }
        String op = node.getOpType();
        NodeProto result = node;
        if (opset < 13 && AXES_INPUT_SINCE_13.contains(op) || opset < 18 && AXES_INPUT_SINCE_18.contains(op)) {
            result = attributeToInput(result, "axes", names, added);
        }
        if (op.equals("Split") && opset < 13) {
            result = attributeToInput(result, "split", names, added);
        }
        if (op.equals("Split") && opset < 18 && (result.getInputCount() < 2 || result.getInput(1).isEmpty())) {
            result = result.toBuilder().addAttribute(attribute("num_outputs", (long) result.getOutputCount()))
                    .build();
        }
        return result;
    }

    /** Moves an INTS attribute into input 1 as an int64 initializer; a node without the attribute is unchanged. */
    private static NodeProto attributeToInput(NodeProto node, String name, UniqueNames names,
                                              List<TensorProto> added) {
        Optional<AttributeProto> attribute = OnnxNodes.find(node, name);
        if (attribute.isEmpty()) {
            return node;
        }
        long[] values = attribute.get().getIntsList().stream().mapToLong(Long::longValue).toArray();
        String base = node.getName().isEmpty() ? node.getOutput(0) : node.getName();
        String tensor = names.next(base + "_" + name);
        added.add(OnnxTensors.int64Tensor(tensor, new long[] {values.length}, values));
        NodeProto.Builder builder = node.toBuilder().clearAttribute();
        node.getAttributeList().stream().filter(a -> !a.getName().equals(name)).forEach(builder::addAttribute);
        if (builder.getInputCount() == 1) {
            builder.addInput(tensor);
        } else {
            builder.setInput(1, tensor);
        }
        return builder.build();
    }
}
