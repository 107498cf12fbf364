package io.condenser.engine.quantize;

/**
 * Quantized values with their dequantization parameters: {@code real = (q - zeroPoint) * scale}, per channel (one
 * scale and zero point per output column) or per tensor (one of each).
 */
public record QuantizedTensor(WeightType type, byte[] values, float[] scales, byte[] zeroPoints) {

    public boolean perChannel() {
        return scales.length > 1;
    }

    /** True when every zero point is 0, so one scalar zero point describes the tensor. */
    public boolean zeroPointsAllZero() {
        for (byte zeroPoint : zeroPoints) {
            if (zeroPoint != 0) {
                return false;
            }
        }
        return true;
    }
}
