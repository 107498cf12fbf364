package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.quantize.ConvertedModel;
import io.condenser.engine.quantize.WeightEncodingReport;
import io.condenser.engine.quantize.WeightOnlyOptions;
import io.condenser.engine.quantize.WeightOnlyQuantizer;
import io.condenser.engine.quantize.WeightPlan;
import io.condenser.problem.FieldProblem;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** {@code {"type": "quantize", "mode": "weight-only", ...}}: MatMul/Gemm weights stored as int8 or int4 blocks. */
@Component
class WeightOnlyQuantizationStep extends WeightEncodingStep<WeightOnlyOptions> {

    @Override
    public String method() {
        return "weight-only";
    }

    @Override
    public String description() {
        return "Weight-only quantization: MatMul/Gemm weights stored as 8- or 4-bit integers with a scale (and zero"
                + " point) per block of weights along the reduction axis, restored by DequantizeLinear; activations"
                + " stay float. A storage format first: ONNX Runtime fuses 4-bit blocks into its MatMulNBits kernel."
                + " Per-channel DequantizeLinear needs opset 13 and 4-bit or block-wise forms opset 21: an older model"
                + " is raised to opset 21 when every operator in it keeps its meaning there, and refused, naming the"
                + " operator, when one does not.";
    }

    @Override
    public List<ParameterDefinition> parameters() {
        return List.of(
                ParameterDefinition.choice("weightType", List.of("int4", "int8"), "int4",
                        "Bits per stored weight."),
                ParameterDefinition.integer("blockSize", WeightOnlyOptions.DEFAULT_BLOCK_SIZE, 0, 1 << 20,
                        "Weights per scale along the reduction axis, at least " + WeightOnlyOptions.MIN_BLOCK_SIZE
                                + "; 0 for one scale per output channel."),
                ParameterDefinition.flag("symmetric", false,
                        "Signed values with the zero point 0; otherwise unsigned values with a zero point per block."));
    }

    @Override
    public Optional<FieldProblem> checkArguments(StepArguments arguments) {
        int blockSize = arguments.integer("blockSize");
        if (blockSize != 0 && blockSize < WeightOnlyOptions.MIN_BLOCK_SIZE) {
            return Optional.of(new FieldProblem("blockSize", "must be 0 (per channel) or at least "
                    + WeightOnlyOptions.MIN_BLOCK_SIZE));
        }
        return Optional.empty();
    }

    @Override
    WeightPlan plan(ModelProto model, WeightOnlyOptions options) {
        return WeightOnlyQuantizer.plan(model, options);
    }

    @Override
    ConvertedModel<WeightEncodingReport> encode(ModelProto model, WeightOnlyOptions options, TaskMonitor monitor) {
        return new WeightOnlyQuantizer().quantize(model, options, monitor);
    }

    @Override
    String nothingToEncode() {
        return "the model has no MatMul or Gemm with a constant float weight to quantize";
    }

    @Override
    WeightOnlyOptions options(StepArguments arguments) {
        return new WeightOnlyOptions(arguments.string("weightType").equals("int4") ? 4 : 8,
                arguments.integer("blockSize"), arguments.flag("symmetric"));
    }
}
