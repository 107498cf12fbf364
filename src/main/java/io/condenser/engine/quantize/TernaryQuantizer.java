package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.onnx.OnnxTensors;

/**
 * Ternary or binary weights for MatMul, Gemm and Conv: the extreme of the bit-width axis. Weights become codes in
 * {−1, 0, +1} (or {−1, +1}) times a scale α per channel or layer, stored as INT4 (opset 21, raised when the model
 * allows it) or else INT8, and restored by DequantizeLinear. Without retraining, accuracy drops markedly; the report
 * gives the sparsity, the bits per weight and the weights' relative error so the drop can be judged.
 */
public final class TernaryQuantizer {

    /**
     * What {@link #quantize} would rewrite and in which storage type; usable before a job is queued.
     *
     * @throws io.condenser.engine.UnsupportedModelException when the model's opset fits neither storage form
     */
    public static WeightPlan plan(ModelProto model, TernaryOptions options) {
        return WeightPlan.forTernary(model, options);
    }

    public ConvertedModel<WeightEncodingReport> quantize(ModelProto model, TernaryOptions options,
                                                         TaskMonitor monitor) {
        WeightPlan plan = plan(model, options);
        return WeightEncodingPass.run(model, plan, slot -> TernaryEncoder.encode(OnnxTensors.floats(slot.weight()),
                        slot.dims(),
                        slot.channelAxis(), options, plan.storage()),
                options.describe() + " (" + plan.storage().name() + ")", monitor);
    }
}
