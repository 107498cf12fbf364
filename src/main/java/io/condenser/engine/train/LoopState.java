package io.condenser.engine.train;

/**
 * Where a run stands after an epoch: what a checkpoint needs besides the weights to continue as the uninterrupted run
 * would. The random state is the seed itself: the split and each epoch's shuffle are derived from the seed and the
 * epoch's number alone. The best epoch is the one with the highest validation accuracy, ties going to the earlier (see
 * {@link ValidationSettings} for why accuracy).
 *
 * @param completedEpochs          epochs done; a resumed run starts with the next
 * @param steps                    optimizer steps done, where the learning-rate schedule continues
 * @param bestValidationAccuracy   highest validation accuracy so far; NaN before the first or without validation
 * @param bestValidationLoss       the validation loss of the epoch that reached it; NaN likewise
 * @param bestEpoch                that epoch; 0 before, or the starting weights when they were measured and no epoch has
 *                                 beaten them
 * @param epochsWithoutImprovement epochs since then, for early stopping
 * @param trainSamples             the split's training samples, checked on resume
 * @param validationSamples        the split's held-out samples, checked on resume
 */
public record LoopState(int completedEpochs, long steps, double bestValidationAccuracy, double bestValidationLoss,
                        int bestEpoch, int epochsWithoutImprovement, long seed, int batchSize, int trainSamples,
                        int validationSamples) {

    static LoopState start(TrainingOptions options, DataSplit split) {
        return new LoopState(0, 0, Double.NaN, Double.NaN, 0, 0, options.seed(), options.batchSize(),
                split.train().length, split.validation().length);
    }

    /**
     * The state of a run whose starting weights were measured on the held-out samples: they are the best so far, as
     * epoch 0, and the epochs after them count towards early stopping until one beats them.
     */
    LoopState withStartingValidation(double validationAccuracy, double validationLoss) {
        return new LoopState(completedEpochs, steps, validationAccuracy, validationLoss, 0, 0, seed, batchSize,
                trainSamples, validationSamples);
    }

    /**
     * The state after one more epoch of {@code epochSteps} steps, with that epoch's validation accuracy and loss (NaN
     * without validation).
     */
    LoopState afterEpoch(long epochSteps, double validationAccuracy, double validationLoss) {
        int epoch = completedEpochs + 1;
        boolean improved = !Double.isNaN(validationAccuracy)
                && (Double.isNaN(bestValidationAccuracy) || validationAccuracy > bestValidationAccuracy);
        return new LoopState(epoch, steps + epochSteps, improved ? validationAccuracy : bestValidationAccuracy,
                improved ? validationLoss : bestValidationLoss, improved ? epoch : bestEpoch,
                improved ? 0 : epochsWithoutImprovement + 1, seed, batchSize, trainSamples, validationSamples);
    }

    /**
     * @throws IncompatibleCheckpointException when this state was saved by a run that split or shuffled the data
     *                                         differently: resuming it would not continue that run
     */
    void checkResumableWith(TrainingOptions options, DataSplit split) {
        if (seed != options.seed() || batchSize != options.batchSize() || trainSamples != split.train().length
                || validationSamples != split.validation().length) {
            throw new IncompatibleCheckpointException("the checkpoint comes from a run with seed " + seed
                    + ", batches of " + batchSize + " and " + trainSamples + " + " + validationSamples
                    + " training + validation samples; this run has seed " + options.seed() + ", batches of "
                    + options.batchSize() + " and " + split.train().length + " + " + split.validation().length);
        }
    }
}
