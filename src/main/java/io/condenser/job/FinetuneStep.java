package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.graph.GraphBlockOptions;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code {"type": "finetune", "datasetId": …, "epochs": 5, "optimizer": "sgd", "learningRate": 0.01}}: the model's own
 * graph trained on a labelled dataset, the trained weights written back into its initializers.
 */
@Component
class FinetuneStep implements StepDefinition {

    @Override
    public String type() {
        return "finetune";
    }

    @Override
    public String selectorField() {
        return null;
    }

    @Override
    public String method() {
        return "finetune";
    }

    @Override
    public String description() {
        return "Trains the model's weights on a labelled dataset (softmax cross-entropy on its logits), executing its"
                + " ONNX graph on DJL's PyTorch engine; the result is the same graph with the trained values in the"
                + " same initializers. Reports one event per epoch (loss, accuracy, validation), checkpoints every"
                + " epoch so that a job whose worker died resumes where it was; with a held-out split it stops early"
                + " when the held-out accuracy stops improving and hands back the best epoch's weights (the starting"
                + " weights when no epoch beat them). Runs on the job's device.";
    }

    @Override
    public List<ParameterDefinition> parameters() {
        return TrainingArguments.parameters("The labelled samples the model is trained on.", 5, 0.01);
    }

    @Override
    public PipelineStep create(StepArguments arguments, StepContext context) {
        return (model, monitor) -> {
            ClassifierTraining.Outcome outcome = ClassifierTraining.train(model, GraphBlockOptions.none(), arguments,
                    context, monitor);
            return new PipelineStep.Outcome(outcome.model(), ClassifierTraining.counters(outcome));
        };
    }

    @Override
    public Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        return TrainingArguments.whyNotTrainable(arguments, model, datasets)
                .or(() -> ClassifierTraining.whyNotExecutable(model));
    }
}
