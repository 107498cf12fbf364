package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.onnx.OnnxTensors;

/**
 * Weight-only quantization: MatMul and Gemm weights are stored as 8- or 4-bit integers, per output channel or in
 * blocks along the reduction axis, and restored by a DequantizeLinear in front of the unchanged operator, so
 * activations stay float. This is a storage format: ONNX Runtime dequantizes (or, for 4-bit blocks in front of
 * MatMul, fuses into its MatMulNBits kernel) at run time.
 *
 * <pre>
 * MatMul(A, W[K,N])          →  MatMul(A, DequantizeLinear(Wq[K,N], scale[K/B,N], axis=0, block_size=B))
 * Gemm(A, Wᵀ[N,K], C), transB →  Gemm(A, DequantizeLinear(Wq[N,K], scale[N,K/B], axis=1, block_size=B), C)
 * </pre>
 *
 * 4-bit and block-wise forms need opset 21; an older model is raised ({@link OpsetUpgrade}) or refused.
 */
public final class WeightOnlyQuantizer {

    /**
     * What {@link #quantize} would rewrite; usable before a job is queued.
     *
     * @throws io.condenser.engine.UnsupportedModelException when the model's opset is too old and cannot be raised
     */
    public static WeightPlan plan(ModelProto model, WeightOnlyOptions options) {
        return WeightPlan.forWeightOnly(model, options);
    }

    public ConvertedModel<WeightEncodingReport> quantize(ModelProto model, WeightOnlyOptions options,
                                                         TaskMonitor monitor) {
        WeightPlan plan = plan(model, options);
        return WeightEncodingPass.run(model, plan, slot -> BlockQuantizer.quantize(OnnxTensors.floats(slot.weight()),
                        slot.dims(),
                        slot.reductionAxis(), options.blockSize(), plan.storage()),
                options.describe(), monitor);
    }
}
