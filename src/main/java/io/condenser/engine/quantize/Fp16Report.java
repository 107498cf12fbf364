package io.condenser.engine.quantize;

import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.util.List;
import java.util.Map;

/**
 * What fp16 conversion did.
 *
 * @param fp16Nodes     nodes computing in fp16, by operator type
 * @param fp32Nodes     nodes on float data that kept computing in fp32, by operator type
 * @param skipped       nodes left entirely as they were (custom domains, control flow with subgraphs), with reasons
 * @param tensors       initializers and Constant values stored as fp16
 * @param values        elements converted
 * @param clamped       values beyond ±65504 clamped to ±65504 (fp16 has no larger finite value)
 * @param flushedToZero non-zero values too small for fp16 that became 0
 * @param casts         Cast nodes inserted between fp16 and fp32 parts and at the graph's edges
 */
public record Fp16Report(Map<String, Integer> fp16Nodes, Map<String, Integer> fp32Nodes, List<SkippedNode> skipped,
                         int tensors, long values, long clamped, long flushedToZero, int casts) {

    public Fp16Report {
        fp16Nodes = Map.copyOf(fp16Nodes);
        fp32Nodes = Map.copyOf(fp32Nodes);
        skipped = List.copyOf(skipped);
    }
}
