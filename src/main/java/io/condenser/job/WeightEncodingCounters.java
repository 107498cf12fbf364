package io.condenser.job;

import io.condenser.engine.quantize.WeightEncodingReport;
import java.util.ArrayList;
import java.util.List;

/** The counters of a step that re-encodes weights (weight-only, ternary, binary). */
final class WeightEncodingCounters {

    private WeightEncodingCounters() {
    }

    static List<StepCounter> of(WeightEncodingReport report) {
        List<StepCounter> counters = new ArrayList<>();
        EnginePlans.addNodeCounters(counters, "encoded", report.encoded(), report.skipped());
        counters.add(StepCounter.count("encodedWeights", report.weights()));
        counters.add(new StepCounter("bitsPerWeight", report.bitsPerWeight(), "bits"));
        counters.add(StepCounter.ratio("weightSparsity", report.sparsity()));
        counters.add(StepCounter.ratio("weightRelativeError", report.relativeError()));
        counters.add(new StepCounter("opset", report.opsetAfter(), "version"));
        return counters;
    }
}
