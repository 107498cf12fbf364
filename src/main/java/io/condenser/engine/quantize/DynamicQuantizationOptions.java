package io.condenser.engine.quantize;

/**
 * Options of dynamic quantization.
 *
 * @param weightType         element type of MatMul/Gemm/Conv weights (embedding tables are always UINT8, as ONNX
 *                           Runtime's quantizer stores them)
 * @param perChannel         one scale per output channel (column) instead of one per weight tensor; Conv weights of
 *                           type UINT8 stay per tensor, because ONNX Runtime's ConvInteger takes one weight zero point
 * @param quantizeEmbeddings also quantize tables read by Gather (embeddings), dequantizing only the rows gathered
 * @param reduceRange        7-bit weights ([-64, 64] or [0, 127]) for x86 CPUs without VNNI, whose 8-bit products
 *                           can otherwise saturate intermediate 16-bit sums
 * @param quantizeConvolutions also rewrite Conv into ConvInteger. Off by default: ONNX Runtime's ConvInteger
 *                           kernel made LeNet-5 3.6-4.2x slower than its float Conv at batch 256 (Condenser's and
 *                           ONNX Runtime's own dynamic quantizer alike); static quantization speeds convolutions up
 */
public record DynamicQuantizationOptions(WeightType weightType, boolean perChannel, boolean quantizeEmbeddings,
                                         boolean reduceRange, boolean quantizeConvolutions) {

    public static DynamicQuantizationOptions defaults() {
        return new DynamicQuantizationOptions(WeightType.INT8, true, true, false, false);
    }

    public DynamicQuantizationOptions withConvolutions() {
        return new DynamicQuantizationOptions(weightType, perChannel, quantizeEmbeddings, reduceRange, true);
    }
}
