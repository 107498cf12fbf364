package io.condenser.engine.quantize;

/**
 * Options of dynamic quantization.
 *
 * @param weightType         element type of MatMul/Gemm weights (embedding tables are always UINT8, as ONNX Runtime's
 *                           quantizer stores them)
 * @param perChannel         one scale per output column instead of one per weight
 * @param quantizeEmbeddings also quantize tables read by Gather (embeddings), dequantizing only the rows gathered
 */
public record DynamicQuantizationOptions(WeightType weightType, boolean perChannel, boolean quantizeEmbeddings) {

    public static DynamicQuantizationOptions defaults() {
        return new DynamicQuantizationOptions(WeightType.INT8, true, true);
    }
}
