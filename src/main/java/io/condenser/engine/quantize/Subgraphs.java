package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Walking and rewriting the nodes of a graph together with the subgraphs of control-flow nodes (If, Loop, Scan). */
final class Subgraphs {

    private Subgraphs() {
    }

    /** Visits every node of the graph and of the subgraphs in its nodes' attributes. */
    static void forEachNode(GraphProto graph, Consumer<NodeProto> visitor) {
        for (NodeProto node : graph.getNodeList()) {
            visitor.accept(node);
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    forEachNode(attribute.getG(), visitor);
                }
                attribute.getGraphsList().forEach(g -> forEachNode(g, visitor));
            }
        }
    }

    /** The graph with every node, subgraphs included, replaced by the rewrite's result (subgraphs first). */
    static GraphProto rewriteNodes(GraphProto graph, UnaryOperator<NodeProto> rewrite) {
        GraphProto.Builder builder = graph.toBuilder().clearNode();
        for (NodeProto node : graph.getNodeList()) {
            builder.addNode(rewrite.apply(rewriteSubgraphs(node, rewrite)));
        }
        return builder.build();
    }

    /** The node with the rewrite applied to every node of its subgraphs (the node itself unchanged). */
    static NodeProto rewriteSubgraphs(NodeProto node, UnaryOperator<NodeProto> rewrite) {
        NodeProto.Builder builder = node.toBuilder().clearAttribute();
        for (AttributeProto attribute : node.getAttributeList()) {
            AttributeProto.Builder copy = attribute.toBuilder();
            if (attribute.hasG()) {
                copy.setG(rewriteNodes(attribute.getG(), rewrite));
            }
            copy.clearGraphs();
            attribute.getGraphsList().forEach(g -> copy.addGraphs(rewriteNodes(g, rewrite)));
            builder.addAttribute(copy);
        }
        return builder.build();
    }

    /**
     * The node with the outer-scope tensors its subgraphs read renamed (ONNX forbids shadowing, so every reference to
     * such a name inside a subgraph is to the outer tensor).
     */
    static NodeProto renameCaptured(NodeProto node, Map<String, String> renames) {
        return rewriteSubgraphs(node, inner -> {
            NodeProto.Builder builder = inner.toBuilder();
            for (int i = 0; i < builder.getInputCount(); i++) {
                builder.setInput(i, renames.getOrDefault(builder.getInput(i), builder.getInput(i)));
            }
            return builder.build();
        });
    }
}
