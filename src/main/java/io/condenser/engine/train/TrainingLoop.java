package io.condenser.engine.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import io.condenser.engine.TaskMonitor;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Trains any DJL {@link Block} (a DJL-built network, a TorchScript module, an ONNX graph executed on DJL) as a
 * classifier: softmax cross-entropy on its logits against int64 labels, with DJL's Trainer and optimizers on the
 * PyTorch engine. The block must be initialized, and its parameters must live on the requested device; the loop only
 * changes their values. Immutable: each {@code with…} returns a new loop.
 *
 * <p>A service step calls, for example:
 * <pre>{@code
 * TrainingResult result = TrainingLoop.of(options.withValidation(ValidationSettings.holdOut(0.1).keepingBestWeights()))
 *         .withMasks(masks)
 *         .onEpoch(report -> events.publish(report))
 *         .checkpointTo(epoch -> store.create("checkpoint-" + epoch))
 *         .train(block, new Shape(1, 28, 28), TrainingData.read(dataset), monitor);
 * int kept = result.keptEpoch().orElseThrow(); // 0: no epoch beat the starting weights on the held-out samples
 * }</pre>
 */
public final class TrainingLoop {

    private final TrainingOptions options;
    private final ParameterMasks masks;
    private final EpochListener epochListener;
    private final CheckpointSink checkpointSink;
    private final TrainingCheckpoint resumeFrom;

    private TrainingLoop(TrainingOptions options, ParameterMasks masks, EpochListener epochListener,
                         CheckpointSink checkpointSink, TrainingCheckpoint resumeFrom) {
        this.options = options;
        this.masks = masks;
        this.epochListener = epochListener;
        this.checkpointSink = checkpointSink;
        this.resumeFrom = resumeFrom;
    }

    public static TrainingLoop of(TrainingOptions options) {
        return new TrainingLoop(options, ParameterMasks.none(), EpochListener.NONE, null, null);
    }

    /** Keeps masked parameter entries exactly zero throughout training. */
    public TrainingLoop withMasks(ParameterMasks parameterMasks) {
        return new TrainingLoop(options, parameterMasks, epochListener, checkpointSink, resumeFrom);
    }

    public TrainingLoop onEpoch(EpochListener listener) {
        return new TrainingLoop(options, masks, listener, checkpointSink, resumeFrom);
    }

    /** Writes a {@link TrainingCheckpoint} after every epoch to the stream the sink opens. */
    public TrainingLoop checkpointTo(CheckpointSink sink) {
        return new TrainingLoop(options, masks, epochListener, sink, resumeFrom);
    }

    /**
     * Continues the run that wrote the checkpoint: its weights replace the block's, and training goes on with the next
     * epoch, the same shuffle order, learning rate and early-stopping count as the uninterrupted run; a run that keeps
     * its best weights still ends with those of the best epoch, chosen before the checkpoint or after it. The optimizer
     * starts afresh (DJL keeps momentum and Adam's moments private, so they are not in the checkpoint): a run with
     * plain SGD continues exactly; with momentum or Adam the first steps after the resume differ.
     */
    public TrainingLoop resumeFrom(TrainingCheckpoint checkpoint) {
        return new TrainingLoop(options, masks, epochListener, checkpointSink, checkpoint);
    }

    /**
     * Trains the block in place. When the run keeps its best weights, the block ends with them once the run completes
     * or stops early; a run that ends with an exception leaves the weights it had then.
     *
     * @param sampleShape the model input's shape for one sample, without the batch dimension; the data's samples
     *                    are reshaped to it when the element counts agree
     * @throws TrainingDivergedException           when the loss becomes NaN or infinite
     * @throws io.condenser.engine.TaskCancelledException when the monitor cancels (checked before every batch)
     * @throws DeviceUnavailableException          for a GPU the engine does not have
     * @throws IncompatibleCheckpointException     when the checkpoint to resume does not fit the model or the data
     * @throws io.condenser.engine.UnsupportedModelException when the model's outputs cannot be the logits
     */
    public TrainingResult train(Block block, Shape sampleShape, TrainingData data, TaskMonitor monitor)
            throws IOException {
        Device device = TrainingEngine.device(options.device());
        checkParameters(block, device);
        DataSplit split = DataSplit.of(data.size(), options.validation().fraction(), options.seed());
        LoopState state = LoopState.start(options, split);
        if (resumeFrom != null) {
            resumeFrom.checkResumableWith(options, split);
            state = resumeFrom.state();
        }
        BatchAssembler batches = new BatchAssembler(data, sampleShape, options.batchSize());
        try (Model model = Model.newInstance("training", device, TrainingEngine.NAME)) {
            model.setBlock(block);
            if (resumeFrom != null) {
                resumeFrom.restoreInto(block, model.getNDManager());
            }
            int stepsPerEpoch = Math.ceilDiv(split.train().length, options.batchSize());
            LearningRateCurve rates = new LearningRateCurve(options.optimizer().learningRate(), options.schedule(),
                    stepsPerEpoch, (long) stepsPerEpoch * options.epochs(), state.steps());
            Optimizer optimizer = masks.isEmpty() ? optimizer(rates)
                    : masks.apply(block, optimizer(rates), model.getNDManager());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {device});
            try (Trainer trainer = new Trainer(model, config)) {
                return run(new EpochRunner(trainer, batches, split, options, rates, data.maxLabel()), block,
                        model.getNDManager(), state, monitor);
            }
        }
    }

    private TrainingResult run(EpochRunner runner, Block block, NDManager manager, LoopState start,
                               TaskMonitor monitor) throws IOException {
        Engine engine = TrainingEngine.get();
        boolean keepBest = options.validation().keepBestWeights();
        List<EpochReport> reports = new ArrayList<>();
        LoopState state = start;
        EpochReport initialValidation = null;
        // The weights of state.bestEpoch(): one copy on the heap, replaced whenever an epoch improves on it.
        Map<String, byte[]> bestWeights = null;
        if (keepBest && resumeFrom == null) {
            EpochRunner.Outcome measured = runner.measureStartingWeights(monitor);
            initialValidation = measured.report();
            epochListener.epochFinished(initialValidation);
            state = state.withStartingValidation(measured.validationAccuracy(), measured.validationLoss());
            bestWeights = EncodedParameters.of(block);
        } else if (keepBest) {
            bestWeights = resumeFrom.bestParameters();
        }
        int patience = options.validation().patience();
        // A run that stopped early wrote its checkpoint before it stopped: resumed, it has nothing left to train.
        TrainingResult.StopReason stopReason = stoppedEarly(state, patience)
                ? TrainingResult.StopReason.EARLY_STOPPED : TrainingResult.StopReason.COMPLETED;
        while (stopReason == TrainingResult.StopReason.COMPLETED && state.completedEpochs() < options.epochs()) {
            int epoch = state.completedEpochs() + 1;
            // Dropout and other random layers draw from the engine: seeded per epoch, a resumed epoch draws the same.
            engine.setRandomSeed((int) (options.seed() * 31 + epoch));
            EpochRunner.Outcome outcome = runner.run(epoch, state.steps(), monitor);
            state = state.afterEpoch(outcome.steps(), outcome.validationAccuracy(), outcome.validationLoss());
            if (keepBest && state.bestEpoch() == epoch) {
                bestWeights = null; // let the old copy go before the new one is made: one copy at a time
                bestWeights = EncodedParameters.of(block);
            }
            reports.add(outcome.report());
            epochListener.epochFinished(outcome.report());
            writeCheckpoint(epoch, state, block, bestWeights);
            if (stoppedEarly(state, patience)) {
                stopReason = TrainingResult.StopReason.EARLY_STOPPED;
            }
        }
        if (keepBest && state.bestEpoch() != state.completedEpochs()) {
            EncodedParameters.restore(bestWeights, block, manager, "the copy of epoch " + state.bestEpoch());
        }
        return new TrainingResult(reports, Optional.ofNullable(initialValidation), stopReason, state.bestEpoch(),
                present(state.bestValidationAccuracy()), present(state.bestValidationLoss()),
                keepBest ? OptionalInt.of(state.bestEpoch()) : OptionalInt.empty(), runner.skippedSteps());
    }

    private static boolean stoppedEarly(LoopState state, int patience) {
        return patience > 0 && state.epochsWithoutImprovement() >= patience;
    }

    private static OptionalDouble present(double valueOrNaN) {
        return Double.isNaN(valueOrNaN) ? OptionalDouble.empty() : OptionalDouble.of(valueOrNaN);
    }

    private void writeCheckpoint(int epoch, LoopState state, Block block, Map<String, byte[]> bestWeights)
            throws IOException {
        if (checkpointSink == null) {
            return;
        }
        try (OutputStream out = checkpointSink.open(epoch)) {
            TrainingCheckpoint.write(out, state, block, bestWeights);
        }
    }

    private Optimizer optimizer(LearningRateCurve rates) {
        OptimizerSettings settings = options.optimizer();
        float decay = (float) settings.weightDecay();
        return switch (settings.kind()) {
            case SGD -> Optimizer.sgd().setLearningRateTracker(rates).optMomentum((float) settings.momentum())
                    .optWeightDecays(decay).build();
            case ADAM -> Optimizer.adam().optLearningRateTracker(rates).optWeightDecays(decay).build();
            case ADAMW -> Optimizer.adamW().optLearningRateTracker(rates).optWeightDecays(decay).build();
        };
    }

    /** The loop trains what it is given: nothing is initialized or moved behind the caller's back. */
    private static void checkParameters(Block block, Device device) {
        if (block.getParameters().isEmpty()) {
            throw new IllegalArgumentException("the model has no parameters to train");
        }
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            if (!parameter.getValue().isInitialized()) {
                throw new IllegalArgumentException("parameter '" + parameter.getKey() + "' is not initialized;"
                        + " initialize the block before training it");
            }
            Device on = parameter.getValue().getArray().getDevice();
            if (!on.equals(device)) {
                throw new IllegalArgumentException("parameter '" + parameter.getKey() + "' lives on " + on
                        + ", but training runs on " + device + "; load or initialize the model on that device");
            }
        }
    }
}
