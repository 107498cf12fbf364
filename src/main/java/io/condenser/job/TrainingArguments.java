package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.eval.DatasetFeed;
import io.condenser.engine.eval.ExecutionDevice;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.TensorSignature;
import io.condenser.engine.train.LearningRateSchedule;
import io.condenser.engine.train.OptimizerSettings;
import io.condenser.engine.train.TrainingOptions;
import io.condenser.engine.train.ValidationSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parameters every training step takes (fine-tuning, quantization-aware training), and what they mean for the
 * training loop and for the model: a classifier trained with cross-entropy on a labelled dataset.
 */
final class TrainingArguments {

    private TrainingArguments() {
    }

    /** @param datasetRole what the dataset is for, in the step's words */
    static List<ParameterDefinition> parameters(String datasetRole, int defaultEpochs, double defaultLearningRate) {
        return List.of(
                ParameterDefinition.dataset("datasetId", datasetRole + " Samples x must fit the model's one float"
                        + " input; labels y (int64 class indices) are required."),
                ParameterDefinition.integer("epochs", defaultEpochs, 1, 1000, "Passes over the training samples."),
                ParameterDefinition.choice("optimizer", List.of("sgd", "adam", "adamw"), "sgd",
                        "sgd (with momentum), adam, or adamw (decoupled weight decay)."),
                ParameterDefinition.number("learningRate", defaultLearningRate, 1e-8, 10,
                        "The learning rate before any schedule."),
                ParameterDefinition.number("momentum", 0.9, 0, 0.999, "For sgd: the momentum."),
                ParameterDefinition.number("weightDecay", 0, 0, 1, "L2 penalty (sgd, adam) or decoupled decay"
                        + " (adamw)."),
                ParameterDefinition.choice("schedule", List.of("constant", "step", "cosine"), "constant",
                        "constant; step: multiplied by gamma every stepEpochs epochs; cosine: down to 0 over the run."),
                ParameterDefinition.integer("stepEpochs", 1, 1, 1000, "For schedule step: epochs between decays."),
                ParameterDefinition.number("gamma", 0.1, 1e-6, 1, "For schedule step: the factor of each decay."),
                ParameterDefinition.integer("warmupSteps", 0, 0, 1_000_000,
                        "Optimizer steps at the start over which the rate rises linearly to its value."),
                ParameterDefinition.integer("batchSize", 64, 1, 4096, "Samples per optimizer step."),
                ParameterDefinition.number("validationFraction", 0.1, 0, 0.5,
                        "Share of the dataset held out (seeded) to measure each epoch and stop early; 0 trains on"
                                + " every sample without validation."),
                ParameterDefinition.integer("patience", 3, 1, 1000,
                        "With validation: epochs without a higher validation accuracy before training stops."),
                ParameterDefinition.flag("keepBest", true, "With validation: hand back the weights of the epoch with"
                        + " the highest held-out accuracy, the starting weights included, so the result never"
                        + " scores below the model it started from on the held-out samples."),
                ParameterDefinition.integer("seed", 42, 0, Integer.MAX_VALUE,
                        "Decides the held-out split, the shuffles and dropout."),
                ParameterDefinition.text("output", "The model output that holds the logits [batch, classes]; needed"
                        + " when the model has several outputs."));
    }

    static TrainingOptions options(StepArguments arguments, ExecutionDevice device, int logitsOutput) {
        double learningRate = arguments.number("learningRate");
        double weightDecay = arguments.number("weightDecay");
        OptimizerSettings optimizer = switch (arguments.string("optimizer")) {
            case "adam" -> OptimizerSettings.adam(learningRate, weightDecay);
            case "adamw" -> OptimizerSettings.adamW(learningRate, weightDecay);
            default -> OptimizerSettings.sgd(learningRate, arguments.number("momentum"), weightDecay);
        };
        LearningRateSchedule schedule = switch (arguments.string("schedule")) {
            case "step" -> LearningRateSchedule.step(arguments.integer("stepEpochs"), arguments.number("gamma"));
            case "cosine" -> LearningRateSchedule.cosine();
            default -> LearningRateSchedule.constant();
        };
        double fraction = arguments.number("validationFraction");
        ValidationSettings validation = ValidationSettings.none();
        if (fraction > 0) {
            validation = ValidationSettings.holdOut(fraction).withPatience(arguments.integer("patience"));
            if (arguments.flag("keepBest")) {
                validation = validation.keepingBestWeights();
            }
        }
        return TrainingOptions.defaults()
                .withOptimizer(optimizer)
                .withSchedule(schedule.withWarmup(arguments.integer("warmupSteps")))
                .withBatchSize(arguments.integer("batchSize"))
                .withEpochs(arguments.integer("epochs"))
                .withSeed(arguments.integer("seed"))
                .withValidation(validation)
                .withLogitsOutput(logitsOutput)
                .withDevice(device);
    }

    /** The index of the logits among the model's outputs. */
    static int logitsOutput(StepArguments arguments, ModelProto model) {
        List<TensorSignature> outputs = ModelInspector.inspect(model).outputs();
        String named = arguments.string("output");
        if (named == null) {
            if (outputs.size() != 1) {
                throw new UnsupportedModelException("the model has " + outputs.size() + " outputs " + names(outputs)
                        + "; name the logits in output");
            }
            return 0;
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i).name().equals(named)) {
                return i;
            }
        }
        throw new UnsupportedModelException("the model has no output '" + named + "'; its outputs are "
                + names(outputs));
    }

    /**
     * Why the model cannot be trained on the dataset as asked: labels missing or beyond the logits' classes, samples
     * that do not fit its input, a fixed batch size, or no single logits output.
     */
    static Optional<String> whyNotTrainable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        NumpyDataset dataset = datasets.get(arguments.dataset("datasetId"));
        if (!dataset.labelled()) {
            return Optional.of("datasetId: the dataset has no labels (y); training needs class labels");
        }
        List<String> reasons = new ArrayList<>();
        try {
            DatasetFeed feed = DatasetFeed.of(model, dataset);
            if (feed.fixedBatchSize().isPresent()) {
                reasons.add("the model's input fixes the batch size at " + feed.fixedBatchSize().getAsLong()
                        + "; training needs a dynamic batch dimension (re-export with dynamic_axes)");
            }
            TensorSignature logits = ModelInspector.inspect(model).outputs().get(logitsOutput(arguments, model));
            long largestLabel = datasets.largestLabel(arguments.dataset("datasetId"));
            if (logits.shape().size() != 2) {
                reasons.add("output '" + logits.name() + "' " + logits.shape() + " is not logits [batch, classes]");
            } else if (logits.shape().get(1).isFixed() && logits.shape().get(1).size() <= largestLabel) {
                reasons.add("the dataset has the label " + largestLabel + ", but output '" + logits.name()
                        + "' has " + logits.shape().get(1).size() + " classes");
            }
        } catch (UnsupportedModelException e) {
            reasons.add(e.getMessage());
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    private static List<String> names(List<TensorSignature> outputs) {
        return outputs.stream().map(TensorSignature::name).toList();
    }
}
