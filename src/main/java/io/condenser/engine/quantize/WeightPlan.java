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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which weights a weight-encoding pass (weight-only int8/int4, ternary, binary) rewrites into integers plus
 * DequantizeLinear, which candidates stay float and why, the storage type and the opset the result needs. Computed
 * without touching tensor values, so a job spec can be checked against a model before it is queued.
 */
public final class WeightPlan {

    /** DequantizeLinear appears in opset 10 (one scale per tensor). */
    static final long PER_TENSOR_OPSET = 10;
    /** DequantizeLinear's {@code axis} (one scale per channel) appears in opset 13. */
    static final long PER_CHANNEL_OPSET = 13;

    private final List<WeightSlot> slots;
    private final List<SkippedNode> skipped;
    private final StorageType storage;
    private final long modelOpset;
    private final long requiredOpset;

    private WeightPlan(List<WeightSlot> slots, List<SkippedNode> skipped, StorageType storage, long modelOpset,
                       long requiredOpset) {
        this.slots = List.copyOf(slots);
        this.skipped = List.copyOf(skipped);
        this.storage = storage;
        this.modelOpset = modelOpset;
        this.requiredOpset = requiredOpset;
    }

    /**
     * The plan of weight-only quantization: MatMul and Gemm weights.
     *
     * @throws UnsupportedModelException when the model's opset is too old for the form and cannot be raised
     */
    public static WeightPlan forWeightOnly(ModelProto model, WeightOnlyOptions options) {
        StorageType storage = StorageType.of(options.bits(), options.symmetric());
        long required = storage.needsOpset21() || options.blockSize() > 0 ? OpsetUpgrade.OPSET : PER_CHANNEL_OPSET;
        String form = options.bits() + "-bit " + (options.blockSize() > 0
                ? "block-wise (block_size " + options.blockSize() + ")" : "per-channel") + " weights";
        return of(model, Set.of("MatMul", "Gemm"), storage, required, form);
    }

    /**
     * The plan of ternary or binary weights: MatMul, Gemm and Conv weights, stored as INT4 when the model is or can be
     * raised to opset 21, else as INT8.
     *
     * @throws UnsupportedModelException when neither form fits the model's opset
     */
    public static WeightPlan forTernary(ModelProto model, TernaryOptions options) {
        long opset = ModelInspector.defaultOpset(model);
        Set<String> ops = Set.of("MatMul", "Gemm", "Conv");
        if (opset >= OpsetUpgrade.OPSET || OpsetUpgrade.obstacle(model).isEmpty()) {
            return of(model, ops, StorageType.INT4, OpsetUpgrade.OPSET, "4-bit " + options.describe());
        }
        long required = options.perChannel() ? PER_CHANNEL_OPSET : PER_TENSOR_OPSET;
        String form = options.describe() + " stored as INT8 (INT4 needs opset " + OpsetUpgrade.OPSET + ", and "
                + OpsetUpgrade.obstacle(model).orElseThrow() + ")";
        return of(model, ops, StorageType.INT8, required, form);
    }

    private static WeightPlan of(ModelProto model, Set<String> opTypes, StorageType storage, long required,
                                 String form) {
        long opset = ModelInspector.defaultOpset(model);
        if (opset < required) {
            Optional<String> obstacle = OpsetUpgrade.obstacle(model);
            if (obstacle.isPresent()) {
                throw new UnsupportedModelException(form + " need ONNX opset " + required + "; the model uses opset "
                        + opset + " and cannot be raised to " + OpsetUpgrade.OPSET + " safely: " + obstacle.get());
            }
        }
        Finder finder = new Finder(model, opTypes);
        finder.run();
        return new WeightPlan(finder.slots, finder.skipped, storage, opset, required);
    }

    public List<WeightSlot> slots() {
        return slots;
    }

    public List<SkippedNode> skipped() {
        return skipped;
    }

    public boolean isEmpty() {
        return slots.isEmpty();
    }

    public StorageType storage() {
        return storage;
    }

    /** True when the result needs a newer opset than the model's, so the rewrite first raises it to 21. */
    public boolean raisesOpset() {
        return !slots.isEmpty() && modelOpset < requiredOpset;
    }

    /** The slots by node index, for the rewrite of the (possibly raised) model. */
    Map<Integer, WeightSlot> slotsByNode() {
        Map<Integer, WeightSlot> byNode = new HashMap<>();
        slots.forEach(s -> byNode.put(s.nodeIndex(), s));
        return byNode;
    }

    /** Walks the main graph once, collecting weights and the reasons for the candidates left alone. */
    private static final class Finder {
        private final ModelProto model;
        private final Set<String> opTypes;
        private final GraphIndex index;
        private final List<WeightSlot> slots = new ArrayList<>();
        private final List<SkippedNode> skipped = new ArrayList<>();

        Finder(ModelProto model, Set<String> opTypes) {
            this.model = model;
            this.opTypes = opTypes;
            this.index = GraphIndex.of(model);
        }

        void run() {
            List<NodeProto> nodes = model.getGraph().getNodeList();
            for (int i = 0; i < nodes.size(); i++) {
                NodeProto node = nodes.get(i);
                if (OnnxDomains.normalize(node.getDomain()).isEmpty() && opTypes.contains(node.getOpType())
                        && node.getInputCount() > WeightSlot.INPUT) {
                    consider(i, node);
                }
            }
        }

        private void consider(int nodeIndex, NodeProto node) {
            String name = node.getInput(WeightSlot.INPUT);
            if (index.isOverridableInitializer(name)) {
                skip(node, "its weight '" + name + "' is also a graph input, so callers may replace it");
                return;
            }
            Optional<TensorProto> constant = index.constant(name);
            if (constant.isEmpty()) {
                skip(node, "its weight is computed, not a constant");
                return;
            }
            TensorProto weight = constant.get();
            if (weight.getDataType() != DataType.FLOAT_VALUE) {
                skip(node, "its weight is " + DataType.forNumber(weight.getDataType()) + ", not FLOAT");
                return;
            }
            Optional<String> otherReader = index.consumers(name).stream()
                    .filter(c -> !readsAsWeight(c, name)).map(NodeProto::getOpType).findFirst();
            if (otherReader.isPresent()) {
                skip(node, "its weight '" + name + "' is also read by a " + otherReader.get()
                        + " node, which would keep the float copy");
                return;
            }
            int rank = weight.getDimsCount();
            switch (node.getOpType()) {
                case "Conv" -> {
                    if (rank < 3) {
                        skip(node, "its weight has rank " + rank + "; a Conv weight has rank 3 or more");
                    } else {
                        slots.add(new WeightSlot(nodeIndex, node, weight, 0, -1));
                    }
                }
                case "Gemm" -> {
                    if (rank == 2) {
                        boolean transposed = OnnxNodes.intAttribute(node, "transB", 0) != 0;
                        slots.add(new WeightSlot(nodeIndex, node, weight, transposed ? 0 : 1, transposed ? 1 : 0));
                    } else {
                        skip(node, "its weight has rank " + rank + "; only matrices are rewritten");
                    }
                }
                default -> {
                    if (rank == 2) {
                        slots.add(new WeightSlot(nodeIndex, node, weight, 1, 0));
                    } else {
                        skip(node, "its weight has rank " + rank + "; only matrices are rewritten");
                    }
                }
            }
        }

        private boolean readsAsWeight(NodeProto consumer, String name) {
            if (!opTypes.contains(consumer.getOpType())
                    || !OnnxDomains.normalize(consumer.getDomain()).isEmpty()) {
                return false;
            }
            for (int i = 0; i < consumer.getInputCount(); i++) {
                if (consumer.getInput(i).equals(name) && i != WeightSlot.INPUT) {
                    return false;
                }
            }
            return true;
        }

        private void skip(NodeProto node, String reason) {
            skipped.add(new SkippedNode(OnnxNodes.describe(node), node.getOpType(), reason));
        }
    }
}
