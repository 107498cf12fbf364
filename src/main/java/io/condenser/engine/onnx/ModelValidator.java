package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Structural checks that tell an ONNX model from other bytes that happen to parse as protobuf: versions, a graph in
 * topological order whose every tensor is defined once before use, and initializers whose data fit their shapes.
 * Operator semantics are left to the runtime that executes the model.
 */
public final class ModelValidator {

    private static final int MAX_REPORTED_PROBLEMS = 5;

    private ModelValidator() {
    }

    public static void validate(ModelProto model) {
        List<String> problems = new ArrayList<>();
        if (model.getIrVersion() < 3) {
            problems.add("IR version " + model.getIrVersion() + " is not a supported ONNX IR version (3 or later)");
        }
        if (model.getOpsetImportList().stream().noneMatch(o -> OnnxDomains.normalize(o.getDomain()).isEmpty())) {
            problems.add("the model imports no version of the default ONNX operator set");
        }
        if (!model.hasGraph()) {
            problems.add("the model has no graph");
        } else {
            checkGraph(model.getGraph(), problems);
        }
        if (!problems.isEmpty()) {
            List<String> shown = problems.subList(0, Math.min(problems.size(), MAX_REPORTED_PROBLEMS));
            String more = problems.size() > shown.size() ? " (and " + (problems.size() - shown.size()) + " more)" : "";
            throw new InvalidModelException(String.join("; ", shown) + more);
        }
    }

    private static void checkGraph(GraphProto graph, List<String> problems) {
        if (graph.getNodeCount() == 0) {
            problems.add("the graph has no nodes");
        }
        if (graph.getOutputCount() == 0) {
            problems.add("the graph has no outputs");
        }
        Set<String> defined = new HashSet<>();
        for (ValueInfoProto input : graph.getInputList()) {
            defined.add(input.getName());
        }
        for (TensorProto initializer : graph.getInitializerList()) {
            defined.add(initializer.getName());
            checkInitializer(initializer, problems);
        }
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().isEmpty()) {
                problems.add("a node has no operator type");
            }
            for (String input : node.getInputList()) {
                if (!input.isEmpty() && !defined.contains(input)) {
                    problems.add("node " + OnnxNodes.describe(node) + " reads '" + input
                            + "', which no graph input, initializer or earlier node defines");
                }
            }
            for (String output : node.getOutputList()) {
                if (!output.isEmpty() && !defined.add(output)) {
                    problems.add("tensor '" + output + "' is defined more than once");
                }
            }
        }
        for (ValueInfoProto output : graph.getOutputList()) {
            if (!defined.contains(output.getName())) {
                problems.add("graph output '" + output.getName() + "' is never produced");
            }
        }
    }

    private static void checkInitializer(TensorProto tensor, List<String> problems) {
        if (OnnxTensors.isExternal(tensor) && !ExternalData.isResolved(tensor)) {
            problems.add("initializer '" + tensor.getName() + "' keeps its data in an external file that was not"
                    + " checked; read the model with OnnxModelFiles.read");
            return;
        }
        for (long dim : tensor.getDimsList()) {
            if (dim < 0) {
                problems.add("initializer '" + tensor.getName() + "' has a negative dimension");
                return;
            }
        }
        long elements;
        try {
            elements = OnnxTensors.elementCount(tensor);
        } catch (ArithmeticException e) {
            problems.add("initializer '" + tensor.getName() + "' has more elements than a 64-bit count holds");
            return;
        }
        int elementSize = OnnxTensors.elementSize(tensor.getDataType());
        boolean packed = tensor.getDataType() == DataType.INT4_VALUE || tensor.getDataType() == DataType.UINT4_VALUE;
        if (tensor.hasRawData() && (elementSize > 0 || packed)) {
            // 4-bit elements are packed two per byte.
            long expected;
            try {
                expected = packed ? (elements + 1) / 2 : Math.multiplyExact(elements, elementSize);
            } catch (ArithmeticException e) {
                problems.add("initializer '" + tensor.getName() + "' has more bytes than a 64-bit count holds");
                return;
            }
            if (tensor.getRawData().size() != expected) {
                problems.add("initializer '" + tensor.getName() + "' has " + tensor.getRawData().size()
                        + " bytes of data where its shape needs " + expected);
            }
        }
    }
}
