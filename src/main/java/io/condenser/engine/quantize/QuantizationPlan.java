package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxDomains;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which nodes of a model dynamic quantization rewrites, and why the others that looked like candidates stay in
 * floating point. Computed without touching tensor values, so a job spec can be checked against a model cheaply.
 */
public final class QuantizationPlan {

    /** DynamicQuantizeLinear first appears in opset 11 (MatMulInteger in 10). */
    public static final long MIN_OPSET = 11;

    /** The form a candidate is rewritten into. */
    public enum Kind {
        MATMUL, GEMM, CONV, GATHER
    }

    /** A node to rewrite, with the constant it quantizes. */
    public record Candidate(NodeProto node, Kind kind, TensorProto weight) {
    }

    private final Map<NodeProto, Candidate> candidates = new IdentityHashMap<>();
    private final List<Candidate> ordered = new ArrayList<>();
    private final List<SkippedNode> skipped = new ArrayList<>();

    private QuantizationPlan() {
    }

    /** @throws UnsupportedModelException when the model's operator set is too old for the quantized operators */
    public static QuantizationPlan of(ModelProto model, DynamicQuantizationOptions options) {
        long opset = ModelInspector.defaultOpset(model);
        if (opset < MIN_OPSET) {
            throw new UnsupportedModelException("dynamic quantization emits DynamicQuantizeLinear, which needs ONNX"
                    + " opset " + MIN_OPSET + " or later; the model uses opset " + opset
                    + " (re-export it with a newer opset)");
        }
        QuantizationPlan plan = new QuantizationPlan();
        GraphIndex index = GraphIndex.of(model);
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (OnnxDomains.normalize(node.getDomain()).isEmpty()) {
                plan.consider(node, index, options);
            }
        }
        return plan;
    }

    public Optional<Candidate> candidate(NodeProto node) {
        return Optional.ofNullable(candidates.get(node));
    }

    public List<Candidate> candidates() {
        return List.copyOf(ordered);
    }

    public List<SkippedNode> skipped() {
        return List.copyOf(skipped);
    }

    public boolean isEmpty() {
        return ordered.isEmpty();
    }

    private void consider(NodeProto node, GraphIndex index, DynamicQuantizationOptions options) {
        switch (node.getOpType()) {
            case "MatMul" -> considerProduct(node, index, Kind.MATMUL);
            case "Gemm" -> {
                if (OnnxNodes.intAttribute(node, "transA", 0) != 0) {
                    skip(node, "Gemm with transA=1 is left in floating point");
                } else {
                    considerProduct(node, index, Kind.GEMM);
                }
            }
            case "Conv" -> {
                if (options.quantizeConvolutions()) {
                    considerConv(node, index);
                } else if (constantWeight(node, index).isPresent()) {
                    skip(node, "Conv stays float: ONNX Runtime's ConvInteger runs slower than its float Conv;"
                            + " use static quantization for convolutions, or convolutions=true to force it");
                }
            }
            case "Gather" -> {
                if (options.quantizeEmbeddings()) {
                    considerGather(node, index);
                }
            }
            default -> {
            }
        }
    }

    private void considerProduct(NodeProto node, GraphIndex index, Kind kind) {
        Optional<TensorProto> weight = constantWeight(node, index);
        if (weight.isEmpty()) {
            return;
        }
        if (weight.get().getDimsCount() != 2) {
            skip(node, "its weight has rank " + weight.get().getDimsCount() + "; only matrices are quantized");
        } else {
            accept(new Candidate(node, kind, weight.get()));
        }
    }

    private void considerConv(NodeProto node, GraphIndex index) {
        Optional<TensorProto> weight = constantWeight(node, index);
        if (weight.isEmpty()) {
            return;
        }
        String bias = node.getInputCount() > 2 ? node.getInput(2) : "";
        if (weight.get().getDimsCount() < 3) {
            skip(node, "its weight has rank " + weight.get().getDimsCount() + "; a Conv weight has rank 3 or more");
        } else if (!bias.isEmpty() && index.constant(bias).filter(QuantizationPlan::isFloat).isEmpty()) {
            skip(node, "its bias '" + bias + "' is not a constant float vector");
        } else {
            accept(new Candidate(node, Kind.CONV, weight.get()));
        }
    }

    /** The node's second input as a constant float weight, or empty (with the reason recorded) when it is not one. */
    private Optional<TensorProto> constantWeight(NodeProto node, GraphIndex index) {
        if (node.getInputCount() < 2) {
            return Optional.empty();
        }
        ConstantWeight weight = ConstantWeight.of(node, 1, index);
        if (!weight.found()) {
            skip(node, weight.whyNot());
        }
        return Optional.ofNullable(weight.tensor());
    }

    private static boolean isFloat(TensorProto tensor) {
        return tensor.getDataType() == DataType.FLOAT_VALUE;
    }

    private void considerGather(NodeProto node, GraphIndex index) {
        String tableName = node.getInput(0);
        Optional<TensorProto> table = index.constant(tableName);
        if (table.isEmpty() || table.get().getDataType() != DataType.FLOAT_VALUE) {
            return;
        }
        if (table.get().getDimsCount() != 2) {
            skip(node, "its table has rank " + table.get().getDimsCount() + "; only 2-D embedding tables are quantized");
        } else if (normalizedAxis(node, 2) != 0) {
            skip(node, "it gathers along axis 1; only row lookups (axis 0) are quantized");
        } else if (!index.consumers(tableName).stream().allMatch(QuantizationPlan::isRowGather)) {
            skip(node, "its table '" + tableName + "' is also read by other operators (e.g. tied output weights)");
        } else {
            accept(new Candidate(node, Kind.GATHER, table.get()));
        }
    }

    private static boolean isRowGather(NodeProto node) {
        return node.getOpType().equals("Gather") && OnnxDomains.normalize(node.getDomain()).isEmpty()
                && normalizedAxis(node, 2) == 0;
    }

    private static long normalizedAxis(NodeProto node, int rank) {
        long axis = OnnxNodes.intAttribute(node, "axis", 0);
        return axis < 0 ? axis + rank : axis;
    }

    private void accept(Candidate candidate) {
        candidates.put(candidate.node(), candidate);
        ordered.add(candidate);
    }

    private void skip(NodeProto node, String reason) {
        skipped.add(new SkippedNode(OnnxNodes.describe(node), node.getOpType(), reason));
    }
}
