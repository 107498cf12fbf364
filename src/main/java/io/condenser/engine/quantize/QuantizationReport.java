package io.condenser.engine.quantize;

import java.util.List;
import java.util.Map;

/**
 * What a quantization pass did.
 *
 * @param quantized how many nodes of each operator type now compute on quantized weights
 * @param skipped   candidate nodes left in floating point, each with the reason
 */
public record QuantizationReport(Map<String, Integer> quantized, List<SkippedNode> skipped) {

    public record SkippedNode(String node, String opType, String reason) {
    }

    public QuantizationReport {
        quantized = Map.copyOf(quantized);
        skipped = List.copyOf(skipped);
    }

    public int quantizedCount() {
        return quantized.values().stream().mapToInt(Integer::intValue).sum();
    }
}
