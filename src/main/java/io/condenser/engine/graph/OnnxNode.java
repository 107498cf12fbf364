package io.condenser.engine.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.onnx.OnnxNodes;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * A node as a kernel factory sees it: its attributes with the spec's defaults, the opset it was written for (several
 * operators moved attributes to inputs over the versions), and which of its outputs the graph reads.
 */
public final class OnnxNode {

    private final NodeProto node;
    private final long opset;
    private final Set<String> usedTensors;

    public OnnxNode(NodeProto node, long opset, Set<String> usedTensors) {
        this.node = node;
        this.opset = opset;
        this.usedTensors = usedTensors;
    }

    public NodeProto proto() {
        return node;
    }

    public String opType() {
        return node.getOpType();
    }

    public long opset() {
        return opset;
    }

    public boolean hasInput(int index) {
        return index < node.getInputCount() && !node.getInput(index).isEmpty();
    }

    /** Whether output {@code index} exists and another node or the graph's outputs read it. */
    public boolean isOutputUsed(int index) {
        return index < node.getOutputCount() && !node.getOutput(index).isEmpty()
                && usedTensors.contains(node.getOutput(index));
    }

    /** Refuses outputs from {@code count} on when the graph reads them. */
    public void requireOnlyOutputs(int count, String what) {
        for (int i = count; i < node.getOutputCount(); i++) {
            if (isOutputUsed(i)) {
                throw new UnsupportedOpException("output " + i + " (" + what + ") is not supported");
            }
        }
    }

    public boolean has(String attribute) {
        return OnnxNodes.find(node, attribute).isPresent();
    }

    public long intAttribute(String name, long defaultValue) {
        return OnnxNodes.intAttribute(node, name, defaultValue);
    }

    public float floatAttribute(String name, float defaultValue) {
        return OnnxNodes.floatAttribute(node, name, defaultValue);
    }

    public String stringAttribute(String name, String defaultValue) {
        return OnnxNodes.find(node, name).map(a -> a.getS().toString(StandardCharsets.UTF_8)).orElse(defaultValue);
    }

    /** An INTS attribute, or {@code defaultValue} (may be null) when absent. */
    public long[] intsAttribute(String name, long[] defaultValue) {
        return OnnxNodes.find(node, name).map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray())
                .orElse(defaultValue);
    }

    public Optional<TensorProto> tensorAttribute(String name) {
        return OnnxNodes.find(node, name).filter(AttributeProto::hasT).map(AttributeProto::getT);
    }
}
