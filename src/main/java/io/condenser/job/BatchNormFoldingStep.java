package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.quantize.BatchNormFolder;
import io.condenser.engine.quantize.BatchNormFolding;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** {@code {"type": "fold", "method": "batchnorm"}}: BatchNormalization folded into the Conv or Gemm before it. */
@Component
class BatchNormFoldingStep implements StepDefinition {

    @Override
    public String type() {
        return "fold";
    }

    @Override
    public String selectorField() {
        return "method";
    }

    @Override
    public String method() {
        return "batchnorm";
    }

    @Override
    public String description() {
        return "Folds inference-mode BatchNormalization into the Conv or Gemm that feeds it (weights scaled per output"
                + " channel, bias shifted): the same outputs with one node less per fold. Batch norms whose producer"
                + " is read elsewhere, or whose statistics are not constants, stay and are reported.";
    }

    @Override
    public List<ParameterDefinition> parameters() {
        return List.of();
    }

    @Override
    public PipelineStep create(StepArguments arguments, StepContext context) {
        return (model, monitor) -> {
            BatchNormFolding folding = new BatchNormFolder().fold(model);
            return new PipelineStep.Outcome(folding.model(), List.of(
                    StepCounter.count("foldedBatchNorms", folding.folded()),
                    StepCounter.count("skippedNodes", folding.skipped().size())));
        };
    }

    @Override
    public Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        return EnginePlans.whyNotApplicable(() -> {
            BatchNormFolding folding = new BatchNormFolder().fold(model);
            return new EnginePlans.Planned(folding.folded() == 0, folding.skipped());
        }, "the model has no BatchNormalization after a Conv or Gemm to fold");
    }
}
