package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.quantize.ConvertedModel;
import io.condenser.engine.quantize.TernaryOptions;
import io.condenser.engine.quantize.TernaryQuantizer;
import io.condenser.engine.quantize.WeightEncodingReport;
import io.condenser.engine.quantize.WeightPlan;
import java.util.List;
import java.util.Locale;

/**
 * {@code {"type": "quantize", "mode": "ternary" | "binary"}}: weights reduced to {−α, 0, +α} or {−α, +α}, the extreme of
 * the bit-width axis. Registered once per level set (see {@link StepConfiguration}).
 */
class ExtremeBitWidthStep extends WeightEncodingStep<TernaryOptions> {

    private final TernaryOptions.Levels levels;

    ExtremeBitWidthStep(TernaryOptions.Levels levels) {
        this.levels = levels;
    }

    @Override
    public String method() {
        return levels.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String description() {
        String values = levels == TernaryOptions.Levels.TERNARY
                ? "{−α, 0, +α} (TWN: weights below Δ = 0.7·mean|W| become 0, α = mean|W| above Δ)"
                : "{−α, +α} (α = mean|W|)";
        return "MatMul, Gemm and Conv weights reduced to " + values + " per layer or output channel, stored as int4"
                + " (opset 21; older models are raised when every operator keeps its meaning) or int8 with"
                + " DequantizeLinear. Expect an accuracy drop: the job reports it next to the original's.";
    }

    @Override
    public List<ParameterDefinition> parameters() {
        return List.of(ParameterDefinition.flag("perChannel", true,
                "One α (and threshold) per output channel instead of per weight tensor."));
    }

    @Override
    WeightPlan plan(ModelProto model, TernaryOptions options) {
        return TernaryQuantizer.plan(model, options);
    }

    @Override
    ConvertedModel<WeightEncodingReport> encode(ModelProto model, TernaryOptions options, TaskMonitor monitor) {
        return new TernaryQuantizer().quantize(model, options, monitor);
    }

    @Override
    String nothingToEncode() {
        return "the model has no MatMul, Gemm or Conv with a constant float weight to encode";
    }

    @Override
    TernaryOptions options(StepArguments arguments) {
        return new TernaryOptions(levels, arguments.flag("perChannel"));
    }
}
