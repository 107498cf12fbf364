package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.quantize.ConvertedModel;
import io.condenser.engine.quantize.Fp16Converter;
import io.condenser.engine.quantize.Fp16Options;
import io.condenser.engine.quantize.Fp16Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** {@code {"type": "quantize", "mode": "fp16", ...}}: float32 tensors become float16, inputs and outputs stay float32. */
@Component
class Fp16ConversionStep extends QuantizationStep {

    @Override
    public String method() {
        return "fp16";
    }

    @Override
    public String description() {
        return "Half precision: float32 weights, constants and intermediate tensors become float16 (values beyond"
                + " ±65504 clamped and counted, never Inf); graph inputs and outputs keep their names and float32"
                + " type through Casts at the edges. target=cpu keeps operators that ONNX Runtime's CPU provider has"
                + " no float16 kernel for in float32 (their float16 weights are cast once at load, so the file still"
                + " halves); target=gpu runs everything but numerically sensitive operators in float16.";
    }

    @Override
    public List<ParameterDefinition> parameters() {
        return List.of(ParameterDefinition.choice("target", List.of("cpu", "gpu"), "cpu",
                "The kernels the model will run on: decides which operators stay float32."));
    }

    @Override
    public PipelineStep create(StepArguments arguments, StepContext context) {
        Fp16Options options = options(arguments);
        return (model, monitor) -> {
            ConvertedModel<Fp16Report> result = new Fp16Converter().convert(model, options, monitor);
            Fp16Report report = result.report();
            List<StepCounter> counters = new ArrayList<>();
            EnginePlans.addNodeCounters(counters, "fp16", report.fp16Nodes(), report.skipped());
            counters.add(StepCounter.count("fp32Nodes", report.fp32Nodes().values().stream()
                    .mapToInt(Integer::intValue).sum()));
            counters.add(StepCounter.count("convertedValues", report.values()));
            counters.add(StepCounter.count("clampedValues", report.clamped()));
            counters.add(StepCounter.count("flushedToZero", report.flushedToZero()));
            counters.add(StepCounter.count("castsInserted", report.casts()));
            return new PipelineStep.Outcome(result.model(), counters);
        };
    }

    @Override
    public Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        return EnginePlans.whyNotApplicable(() -> {
            Fp16Converter.plan(model, options(arguments));
            return new EnginePlans.Planned(false, List.of());
        }, "");
    }

    private static Fp16Options options(StepArguments arguments) {
        return arguments.string("target").equals("gpu") ? Fp16Options.forFp16Kernels() : Fp16Options.defaults();
    }
}
