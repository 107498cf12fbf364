package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.quantize.DynamicQuantizationOptions;
import io.condenser.engine.quantize.DynamicQuantizer;
import io.condenser.engine.quantize.QuantizationPlan;
import io.condenser.engine.quantize.QuantizationReport;
import io.condenser.engine.quantize.QuantizedModel;
import io.condenser.engine.quantize.WeightType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** {@code {"type": "quantize", "mode": "dynamic", ...}}: dynamic int8 of MatMul/Gemm/Conv/Gather weights. */
@Component
class DynamicQuantizationStep extends QuantizationStep {

    @Override
    public String method() {
        return "dynamic";
    }

    @Override
    public String description() {
        return "Dynamic quantization: MatMul/Gemm weights (and Conv weights with convolutions=true) stored as 8-bit"
                + " integers and multiplied with activations quantized at run time (DynamicQuantizeLinear +"
                + " MatMulInteger/ConvInteger, which ONNX Runtime fuses into its integer kernels); embedding tables"
                + " stored as uint8 and dequantized row by row. Operators that do not fit stay in float32 and are"
                + " reported.";
    }

    @Override
    public List<ParameterDefinition> parameters() {
        return List.of(
                ParameterDefinition.choice("weightType", List.of("int8", "uint8"), "int8",
                        "int8: symmetric weights (zero point 0); uint8: asymmetric weights."),
                ParameterDefinition.flag("perChannel", true,
                        "One scale per output channel (column) instead of one per weight matrix."),
                ParameterDefinition.flag("embeddings", true,
                        "Also quantize embedding tables read by Gather (stored as uint8)."),
                ParameterDefinition.flag("reduceRange", false,
                        "7-bit weights, for x86 CPUs without VNNI whose 8-bit products can saturate."),
                ParameterDefinition.flag("convolutions", false,
                        "Also rewrite Conv into ConvInteger. Off by default: ONNX Runtime's ConvInteger ran LeNet-5"
                                + " about 4x slower than float; quantize convolutions with mode static instead."));
    }

    @Override
    public PipelineStep create(StepArguments arguments, StepContext context) {
        DynamicQuantizationOptions options = options(arguments);
        DynamicQuantizer quantizer = new DynamicQuantizer();
        return (model, monitor) -> {
            QuantizedModel quantized = quantizer.quantize(model, options, monitor);
            return new PipelineStep.Outcome(quantized.model(), counters(quantized.report()));
        };
    }

    @Override
    public Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        return EnginePlans.whyNotApplicable(() -> {
            QuantizationPlan plan = QuantizationPlan.of(model, options(arguments));
            return new EnginePlans.Planned(plan.isEmpty(), plan.skipped());
        }, "the model has no MatMul, Gemm, Conv or Gather with a constant float weight to quantize");
    }

    private static DynamicQuantizationOptions options(StepArguments arguments) {
        return new DynamicQuantizationOptions(
                WeightType.valueOf(arguments.string("weightType").toUpperCase(Locale.ROOT)),
                arguments.flag("perChannel"),
                arguments.flag("embeddings"),
                arguments.flag("reduceRange"),
                arguments.flag("convolutions"));
    }

    /** Counters of a quantization that rewrote nodes by operator type and left others (with reasons) alone. */
    static List<StepCounter> counters(QuantizationReport report) {
        List<StepCounter> counters = new ArrayList<>();
        EnginePlans.addNodeCounters(counters, "quantized", report.quantized(), report.skipped());
        return counters;
    }
}
