package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashSet;
import java.util.Set;

/** Hands out tensor and node names that do not collide with any name already in a graph. */
public final class UniqueNames {

    private final Set<String> taken = new HashSet<>();

    public UniqueNames(GraphProto graph) {
        graph.getInputList().stream().map(ValueInfoProto::getName).forEach(taken::add);
        graph.getOutputList().stream().map(ValueInfoProto::getName).forEach(taken::add);
        graph.getValueInfoList().stream().map(ValueInfoProto::getName).forEach(taken::add);
        graph.getInitializerList().stream().map(TensorProto::getName).forEach(taken::add);
        for (NodeProto node : graph.getNodeList()) {
            taken.add(node.getName());
            taken.addAll(node.getOutputList());
        }
    }

    /** The base name itself when it is free, else the base with the smallest free numeric suffix. */
    public String next(String base) {
        if (taken.add(base)) {
            return base;
        }
        for (int i = 1; ; i++) {
            String candidate = base + "_" + i;
            if (taken.add(candidate)) {
                return candidate;
            }
        }
    }
}
