package io.condenser.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import java.util.OptionalDouble;

/** One epoch: a shuffled pass of optimizer steps over the training samples, then a pass over the held-out ones. */
final class EpochRunner {

    private final Trainer trainer;
    private final BatchAssembler batches;
    private final DataSplit split;
    private final TrainingOptions options;
    private final LearningRateCurve rates;
    private final long maxLabel;
    private final int stepsPerEpoch;
    private int skippedSteps;

    /** What an epoch did: its report, its optimizer steps, its validation accuracy and loss (NaN without validation). */
    record Outcome(EpochReport report, int steps, double validationAccuracy, double validationLoss) {
    }

    EpochRunner(Trainer trainer, BatchAssembler batches, DataSplit split, TrainingOptions options,
                LearningRateCurve rates, long maxLabel) {
        this.trainer = trainer;
        this.batches = batches;
        this.split = split;
        this.options = options;
        this.rates = rates;
        this.maxLabel = maxLabel;
        this.stepsPerEpoch = Math.ceilDiv(split.train().length, options.batchSize());
    }

    /** @param stepsBefore optimizer steps of the earlier epochs */
    Outcome run(int epoch, long stepsBefore, TaskMonitor monitor) {
        long start = System.nanoTime();
        int[] order = split.epochOrder(epoch);
        PassMetrics training = new PassMetrics();
        long totalSteps = (long) stepsPerEpoch * options.epochs();
        for (int step = 0; step < stepsPerEpoch; step++) {
            monitor.checkCancelled();
            int from = step * options.batchSize();
            int count = Math.min(options.batchSize(), order.length - from);
            trainBatch(order, from, count, training, epoch, step, stepsBefore + step);
            monitor.progress((double) (stepsBefore + step + 1) / totalSteps,
                    "epoch " + epoch + "/" + options.epochs() + ", batch " + (step + 1) + "/" + stepsPerEpoch);
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        PassMetrics validation = split.validation().length == 0 ? null : validate(epoch, monitor);
        PassMetrics predictions = validation == null ? training : validation;
        double seconds = (System.nanoTime() - start) / 1e9;
        EpochReport report = new EpochReport(epoch, options.epochs(), training.meanLoss(), training.accuracy(),
                validation == null ? OptionalDouble.empty() : OptionalDouble.of(validation.meanLoss()),
                validation == null ? OptionalDouble.empty() : OptionalDouble.of(validation.accuracy()),
                rates.rateAt(stepsBefore + stepsPerEpoch - 1), seconds, training.samples() / trainSeconds,
                predictions.distinctPredictions(), predictions.dominantPredictionShare(),
                predictions.distinctLabels());
        return new Outcome(report, stepsPerEpoch, validation == null ? Double.NaN : validation.accuracy(),
                validation == null ? Double.NaN : validation.meanLoss());
    }

    /**
     * Epoch 0: the weights as the run found them, measured on the held-out samples; no training figures (NaN).
     */
    Outcome measureStartingWeights(TaskMonitor monitor) {
        long start = System.nanoTime();
        PassMetrics validation = validate(0, monitor);
        EpochReport report = new EpochReport(0, options.epochs(), Double.NaN, Double.NaN,
                OptionalDouble.of(validation.meanLoss()), OptionalDouble.of(validation.accuracy()), Double.NaN,
                (System.nanoTime() - start) / 1e9, Double.NaN, validation.distinctPredictions(),
                validation.dominantPredictionShare(), validation.distinctLabels());
        return new Outcome(report, 0, validation.accuracy(), validation.meanLoss());
    }

    private void trainBatch(int[] order, int from, int count, PassMetrics metrics, int epoch, int step,
                            long runStep) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            BatchAssembler.Batch batch = batches.assemble(scope, order, from, count);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = logits(trainer.forward(new NDList(batch.input())));
                NDArray loss = trainer.getLoss().evaluate(new NDList(batch.labels()), new NDList(logits));
                float value = loss.getFloat();
                if (!Float.isFinite(value)) {
                    throw new TrainingDivergedException("the training loss became " + value + " in epoch " + epoch
                            + ", batch " + (step + 1) + " at learning rate " + rates.rateAt(runStep)
                            + "; lower the learning rate");
                }
                collector.backward(loss);
                metrics.add(value, logits.argMax(1).toLongArray(), batch.labelValues());
            }
            try {
                trainer.step();
            } catch (IllegalStateException e) {
                // DJL refuses a step whose gradients are all zero (it takes them for a forgotten backward pass) until
                // one step went through; a batch the model already gets exactly right (loss 0) has such gradients.
                if (!isAllZeroGradients(e)) {
                    throw e;
                }
                skippedSteps++;
            }
        }
    }

    /** Optimizer steps skipped so far because the batch's gradients were all zero. */
    int skippedSteps() {
        return skippedSteps;
    }

    private static boolean isAllZeroGradients(IllegalStateException e) {
        return e.getMessage() != null && e.getMessage().startsWith("Gradient values are all zeros");
    }

    private PassMetrics validate(int epoch, TaskMonitor monitor) {
        PassMetrics metrics = new PassMetrics();
        int[] samples = split.validation();
        for (int from = 0; from < samples.length; from += options.batchSize()) {
            monitor.checkCancelled();
            int count = Math.min(options.batchSize(), samples.length - from);
            try (NDManager scope = trainer.getManager().newSubManager()) {
                BatchAssembler.Batch batch = batches.assemble(scope, samples, from, count);
                NDArray logits = logits(trainer.evaluate(new NDList(batch.input())));
                float loss = trainer.getLoss().evaluate(new NDList(batch.labels()), new NDList(logits)).getFloat();
                if (!Float.isFinite(loss)) {
                    throw new TrainingDivergedException("the validation loss became " + loss
                            + (epoch == 0 ? " with the starting weights" : " after epoch " + epoch
                            + "; lower the learning rate"));
                }
                metrics.add(loss, logits.argMax(1).toLongArray(), batch.labelValues());
            }
        }
        return metrics;
    }

    /**
     * The output holding the logits, checked to be [batch, classes] with a class for every label: a label beyond the
     * logits would otherwise fail deep inside libtorch's gather.
     */
    private NDArray logits(NDList outputs) {
        int index = options.logitsOutput();
        if (index >= outputs.size()) {
            throw new UnsupportedModelException("the logits are output " + index + ", but the model has "
                    + outputs.size() + " output" + (outputs.size() == 1 ? "" : "s"));
        }
        NDArray logits = outputs.get(index);
        if (logits.getShape().dimension() != 2) {
            throw new UnsupportedModelException("output " + index + " has the shape " + logits.getShape()
                    + "; logits for classification are [batch, classes]");
        }
        if (logits.getShape().get(1) <= maxLabel) {
            throw new UnsupportedModelException("the labels go up to " + maxLabel + ", but output " + index + " has "
                    + logits.getShape().get(1) + " classes");
        }
        return logits;
    }
}
