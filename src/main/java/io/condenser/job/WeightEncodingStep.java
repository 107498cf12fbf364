package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.quantize.ConvertedModel;
import io.condenser.engine.quantize.WeightEncodingReport;
import io.condenser.engine.quantize.WeightPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A quantization method that re-encodes weights and leaves activations float (weight-only, ternary, binary): planned,
 * run and reported the same way, with its own options.
 *
 * @param <O> the engine's options of the method
 */
abstract class WeightEncodingStep<O> extends QuantizationStep {

    abstract O options(StepArguments arguments);

    /** @throws io.condenser.engine.UnsupportedModelException when the model rules the method out */
    abstract WeightPlan plan(ModelProto model, O options);

    abstract ConvertedModel<WeightEncodingReport> encode(ModelProto model, O options, TaskMonitor monitor);

    /** What to say when the model has no weight the method encodes. */
    abstract String nothingToEncode();

    @Override
    public final PipelineStep create(StepArguments arguments, StepContext context) {
        O options = options(arguments);
        return (model, monitor) -> {
            ConvertedModel<WeightEncodingReport> result = encode(model, options, monitor);
            return new PipelineStep.Outcome(result.model(), counters(result.report()));
        };
    }

    @Override
    public final Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        return EnginePlans.whyNotApplicable(() -> {
            WeightPlan plan = plan(model, options(arguments));
            return new EnginePlans.Planned(plan.isEmpty(), plan.skipped());
        }, nothingToEncode());
    }

    private static List<StepCounter> counters(WeightEncodingReport report) {
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
