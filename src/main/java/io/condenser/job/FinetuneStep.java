package io.condenser.job;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.graph.GraphBlockOptions;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code {"type": "finetune", "datasetId": …, "epochs": 5, "optimizer": "sgd", "learningRate": 0.01}}: the model's own
 * graph trained on a labelled dataset, the trained weights written back into its initializers; a TorchScript model's
 * parameters trained the same way, the result saved as TorchScript.
 */
@Component
class FinetuneStep implements StepDefinition, TorchScriptSupport {

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
                + " same initializers. A TorchScript model is trained as libtorch loads it, its first output taken as the"
                + " logits and its input fed the dataset's samples as they are shaped, and saved as TorchScript. Reports one event per epoch (loss, accuracy, validation), checkpoints every"
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
            ClassifierTraining.TrainedGraph trained = ClassifierTraining.train(model, GraphBlockOptions.none(),
                    arguments, context, monitor);
            return new PipelineStep.Outcome(trained.model(), ClassifierTraining.counters(trained.outcome()));
        };
    }

    @Override
    public Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        return TrainingArguments.whyNotTrainable(arguments, model, datasets)
                .or(() -> ClassifierTraining.whyNotTrainable(model));
    }

    @Override
    public Optional<String> whyNotApplicableToTorchScript(StepArguments arguments, JobDatasets datasets) {
        if (arguments.string("output") != null) {
            return Optional.of("output: a TorchScript model's outputs have no names; its first output is trained as"
                    + " the logits");
        }
        if (!datasets.get(arguments.dataset("datasetId")).labelled()) {
            return Optional.of("datasetId: the dataset has no labels (y); training needs class labels");
        }
        return Optional.empty();
    }

    /** TorchScript inputs carry no shapes: the dataset's samples are fed as they are shaped. */
    @Override
    public TorchScriptSupport.Step createForTorchScript(StepArguments arguments, StepContext context) {
        return (model, monitor) -> {
            Shape sampleShape = new Shape(context.datasets().get(arguments.dataset("datasetId")).sampleShape());
            return ClassifierTraining.counters(ClassifierTraining.train(model.block(), sampleShape, arguments,
                    context, monitor));
        };
    }
}
