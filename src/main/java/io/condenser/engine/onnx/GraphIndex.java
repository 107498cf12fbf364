package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Lookups over a graph: initializers by name, who reads a tensor, and which initializers callers may override. */
public final class GraphIndex {

    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Set<String> graphInputs = new HashSet<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final long irVersion;

    private GraphIndex(ModelProto model) {
        GraphProto graph = model.getGraph();
        irVersion = model.getIrVersion();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        graph.getInputList().stream().map(ValueInfoProto::getName).forEach(graphInputs::add);
        for (NodeProto node : graph.getNodeList()) {
            for (String name : referencedNames(node)) {
                consumers.computeIfAbsent(name, k -> new ArrayList<>()).add(node);
            }
        }
    }

    public static GraphIndex of(ModelProto model) {
        return new GraphIndex(model);
    }

    public Optional<TensorProto> initializer(String name) {
        return Optional.ofNullable(initializers.get(name));
    }

    /**
     * A constant is an initializer the caller cannot replace at run time. From IR version 4 on, an initializer that is
     * also listed as a graph input is only a default value; before, every initializer had to be listed as an input.
     */
    public Optional<TensorProto> constant(String name) {
        if (irVersion >= 4 && graphInputs.contains(name)) {
            return Optional.empty();
        }
        return initializer(name);
    }

    public boolean isOverridableInitializer(String name) {
        return irVersion >= 4 && graphInputs.contains(name) && initializers.containsKey(name);
    }

    /** Nodes that read the tensor, including nodes whose subgraphs read it. */
    public List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** Every tensor name a node reads, including those read inside its subgraphs (If, Loop, Scan bodies). */
    public static Set<String> referencedNames(NodeProto node) {
        Set<String> names = new HashSet<>();
        collectReferences(node, names);
        return names;
    }

    private static void collectReferences(NodeProto node, Set<String> names) {
        for (String input : node.getInputList()) {
            if (!input.isEmpty()) {
                names.add(input);
            }
        }
        for (AttributeProto attribute : node.getAttributeList()) {
            List<GraphProto> subgraphs = new ArrayList<>(attribute.getGraphsList());
            if (attribute.hasG()) {
                subgraphs.add(attribute.getG());
            }
            for (GraphProto subgraph : subgraphs) {
                subgraph.getNodeList().forEach(n -> collectReferences(n, names));
            }
        }
    }
}
