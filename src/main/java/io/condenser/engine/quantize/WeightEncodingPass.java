package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxTensors;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The rewrite shared by the weight encodings: raise the opset when the plan needs it, then replace each planned
 * weight by its integer encoding and a DequantizeLinear, measuring what the encoding did to the weights.
 */
final class WeightEncodingPass {

    private long weights;
    private long zeros;
    private long storageBits;
    private double squaredError;
    private double squaredNorm;

    private WeightEncodingPass() {
    }

    static ConvertedModel<WeightEncodingReport> run(ModelProto model, WeightPlan plan,
                                                    Function<WeightSlot, EncodedWeight> encoder,
                                                    String description, TaskMonitor monitor) {
        long opsetBefore = ModelInspector.defaultOpset(model);
        WeightEncodingPass pass = new WeightEncodingPass();
        Map<String, Integer> counts = new TreeMap<>();
        if (plan.isEmpty()) {
            return new ConvertedModel<>(model, pass.report(counts, plan, opsetBefore, opsetBefore));
        }
        ModelProto target = plan.raisesOpset() ? OpsetUpgrade.toOpset21(model, description) : model;
        if (plan.storage().needsOpset21()) {
            target = target.toBuilder().setIrVersion(Math.max(target.getIrVersion(), OpsetUpgrade.IR_VERSION))
                    .build();
        }
        DequantizeRewrite rewrite = new DequantizeRewrite(target);
        Map<Integer, WeightSlot> slots = plan.slotsByNode();
        List<NodeProto> nodes = target.getGraph().getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            monitor.checkCancelled();
            WeightSlot slot = slots.get(i);
            if (slot == null) {
                rewrite.keep(nodes.get(i));
            } else {
                rewrite.replaceWeight(nodes.get(i), slot, encoder).ifPresent(e -> pass.measure(slot, e));
                counts.merge(slot.node().getOpType(), 1, Integer::sum);
            }
            monitor.progress((double) (i + 1) / nodes.size(), "encoding weights");
        }
        ModelProto result = rewrite.build(target, description);
        return new ConvertedModel<>(result, pass.report(counts, plan, opsetBefore,
                ModelInspector.defaultOpset(result)));
    }

    private void measure(WeightSlot slot, EncodedWeight encoded) {
        FloatBuffer original = OnnxTensors.floats(slot.weight());
        float[] restored = encoded.dequantize();
        for (int i = 0; i < restored.length; i++) {
            double difference = original.get(i) - restored[i];
            squaredError += difference * difference;
            squaredNorm += (double) original.get(i) * original.get(i);
            if (restored[i] == 0) {
                zeros++;
            }
        }
        weights += restored.length;
        storageBits += encoded.storageBits();
    }

    private WeightEncodingReport report(Map<String, Integer> counts, WeightPlan plan, long opsetBefore,
                                        long opsetAfter) {
        double error = squaredNorm == 0 ? 0 : Math.sqrt(squaredError / squaredNorm);
        return new WeightEncodingReport(counts, plan.skipped(), plan.storage(), opsetBefore, opsetAfter, weights,
                zeros, storageBits, error);
    }
}
