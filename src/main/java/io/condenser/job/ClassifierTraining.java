package io.condenser.job;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.eval.DatasetFeed;
import io.condenser.engine.graph.GraphBlockOptions;
import io.condenser.engine.graph.OnnxGraphBlock;
import io.condenser.engine.train.EpochReport;
import io.condenser.engine.train.GraphTraining;
import io.condenser.engine.train.IncompatibleCheckpointException;
import io.condenser.engine.train.TrainingCheckpoint;
import io.condenser.engine.train.TrainingData;
import io.condenser.engine.train.TrainingLoop;
import io.condenser.engine.train.TrainingOptions;
import io.condenser.engine.train.TrainingResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains a classifier (an ONNX graph executed on DJL, or a TorchScript module) as a job step: the training arguments
 * turned into the loop's options, one event per epoch, a checkpoint per epoch, and a resume from the checkpoint an
 * earlier attempt of the job left.
 */
final class ClassifierTraining {

    private ClassifierTraining() {
    }

    /** @param resumedAfterEpoch the epoch whose checkpoint the run continued from; 0 for a run from the start */
    record Outcome(TrainingResult result, int resumedAfterEpoch) {
    }

    /** An ONNX model with its trained weights, and how the training went. */
    record TrainedGraph(ModelProto model, Outcome outcome) {
    }

    /** The loop the arguments configure, with the job's events, checkpoints and resume attached. */
    private record Run(TrainingLoop loop, TrainingOptions options, int resumedAfterEpoch) {
        Outcome outcome(TrainingResult result) {
            return new Outcome(result, resumedAfterEpoch);
        }
    }

    /** Trains an ONNX model's graph, executed on DJL, and writes the trained values back into its initializers. */
    static TrainedGraph train(ModelProto model, GraphBlockOptions hooks, StepArguments arguments, StepContext context,
                              TaskMonitor monitor) throws IOException {
        NumpyDataset dataset = context.datasets().get(arguments.dataset("datasetId"));
        Run run = prepare(arguments, context, TrainingArguments.logitsOutput(arguments, model));
        Shape sampleShape = new Shape(DatasetFeed.of(model, dataset).sampleShape());
        GraphTraining.Trained trained = GraphTraining.train(model, hooks, run.loop(), run.options(), sampleShape,
                TrainingData.read(dataset), monitor);
        return new TrainedGraph(trained.model(), run.outcome(trained.result()));
    }

    /**
     * Trains a block in place (a TorchScript module), its first output taken as the logits.
     *
     * @param sampleShape one sample's input shape without the batch dimension
     */
    static Outcome train(Block block, Shape sampleShape, StepArguments arguments, StepContext context,
                         TaskMonitor monitor) throws IOException {
        NumpyDataset dataset = context.datasets().get(arguments.dataset("datasetId"));
        Run run = prepare(arguments, context, 0);
        return run.outcome(run.loop().train(block, sampleShape, TrainingData.read(dataset), monitor));
    }

    private static Run prepare(StepArguments arguments, StepContext context, int logitsOutput) throws IOException {
        TrainingOptions options = TrainingArguments.options(arguments, context.runtime().device(), logitsOutput);
        TrainingLoop loop = TrainingLoop.of(options)
                .onEpoch(report -> recordEpoch(report, context))
                .checkpointTo(context.checkpoints().sink(context.events()));
        Optional<TrainingCheckpoint> checkpoint = resumable(context);
        if (checkpoint.isPresent()) {
            loop = loop.resumeFrom(checkpoint.get());
        }
        return new Run(loop, options, checkpoint.map(c -> c.state().completedEpochs()).orElse(0));
    }

    /**
     * Why the model's graph cannot be trained: it cannot be executed, or it has no float initializer gradients could
     * change (fp16 weights, weights held in Constant nodes). Checked on the graph alone: an API replica does not copy
     * the weights into an engine to check a job.
     */
    static Optional<String> whyNotTrainable(ModelProto model) {
        return OnnxGraphBlock.whyNotTrainable(model);
    }


    private static Optional<TrainingCheckpoint> resumable(StepContext context) throws IOException {
        try {
            Optional<TrainingCheckpoint> latest = context.checkpoints().latest(context.events());
            latest.ifPresent(c -> context.events().info("resuming after epoch " + c.state().completedEpochs()
                    + " from the checkpoint an earlier attempt left"));
            return latest;
        } catch (IncompatibleCheckpointException e) {
            context.events().warning("the checkpoint an earlier attempt left cannot be resumed (" + e.getMessage()
                    + "); training starts over");
            return Optional.empty();
        }
    }

    private static void recordEpoch(EpochReport report, StepContext context) {
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("epochs", report.epochs());
        metrics.put("trainLoss", report.trainLoss());
        metrics.put("trainAccuracy", report.trainAccuracy());
        report.validationLoss().ifPresent(v -> metrics.put("validationLoss", v));
        report.validationAccuracy().ifPresent(v -> metrics.put("validationAccuracy", v));
        metrics.put("learningRate", report.learningRate());
        metrics.put("seconds", report.seconds());
        metrics.put("samplesPerSecond", report.samplesPerSecond());
        context.events().epoch(report.epoch(), metrics);
        if (report.collapsed()) {
            context.events().warning("epoch " + report.epoch() + ": the model predicts one class for every sample"
                    + " although the labels hold " + report.labelClasses() + "; the learning rate may be too high");
        }
    }

    /** What a training run did, as step counters. */
    static List<StepCounter> counters(Outcome outcome) {
        TrainingResult result = outcome.result();
        List<StepCounter> counters = new ArrayList<>();
        counters.add(StepCounter.count("epochsRun", result.epochs().size()));
        counters.add(StepCounter.count("resumedAfterEpoch", outcome.resumedAfterEpoch()));
        counters.add(StepCounter.count("stoppedEarly",
                result.stopReason() == TrainingResult.StopReason.EARLY_STOPPED ? 1 : 0));
        if (!result.epochs().isEmpty()) {
            EpochReport last = result.epochs().getLast();
            counters.add(new StepCounter("finalTrainLoss", last.trainLoss(), "loss"));
            counters.add(StepCounter.ratio("finalTrainAccuracy", last.trainAccuracy()));
            last.validationAccuracy().ifPresent(v -> counters.add(StepCounter.ratio("finalValidationAccuracy", v)));
            counters.add(new StepCounter("secondsPerEpoch",
                    result.epochs().stream().mapToDouble(EpochReport::seconds).average().orElse(0), "seconds"));
        }
        if (result.bestEpoch() > 0) {
            counters.add(StepCounter.count("bestEpoch", result.bestEpoch()));
        }
        result.keptEpoch().ifPresent(epoch -> counters.add(StepCounter.count("keptEpoch", epoch)));
        if (result.skippedSteps() > 0) {
            counters.add(StepCounter.count("skippedSteps", result.skippedSteps()));
        }
        return counters;
    }
}
