package io.condenser.engine.quantize;

import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.util.List;
import java.util.Map;

/**
 * What a weight-encoding pass (weight-only, ternary, binary) did.
 *
 * @param encoded       how many nodes of each operator type now read an integer weight through DequantizeLinear
 * @param skipped       candidate nodes left in floating point, each with the reason
 * @param storage       the integer type the weights are stored in
 * @param opsetBefore   the model's default opset
 * @param opsetAfter    the result's default opset: 21 when the rewrite had to raise it
 * @param weights       weight elements encoded
 * @param zeros         encoded weights that are exactly zero after encoding
 * @param storageBits   bits the encoded weights take in the file, scales and zero points included
 * @param relativeError ‖W − Ŵ‖ / ‖W‖ over all encoded weights: how far the restored weights are from the
 *                      originals
 */
public record WeightEncodingReport(Map<String, Integer> encoded, List<SkippedNode> skipped, StorageType storage,
                                   long opsetBefore, long opsetAfter, long weights, long zeros, long storageBits,
                                   double relativeError) {

    public WeightEncodingReport {
        encoded = Map.copyOf(encoded);
        skipped = List.copyOf(skipped);
    }

    public int encodedCount() {
        return encoded.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Share of encoded weights that are zero. */
    public double sparsity() {
        return weights == 0 ? 0 : (double) zeros / weights;
    }

    /** Bits per encoded weight in the file, scales and zero points included. */
    public double bitsPerWeight() {
        return weights == 0 ? 0 : (double) storageBits / weights;
    }
}
