package io.condenser.engine.train;

import java.util.OptionalDouble;

/**
 * What one epoch did. A run that keeps its best weights also reports epoch 0 first: the starting weights measured on
 * the held-out samples, with NaN for the training figures ({@code trainLoss}, {@code trainAccuracy},
 * {@code learningRate}, {@code samplesPerSecond}) as nothing was trained.
 *
 * @param epoch                   1-based; 0 for the starting weights
 * @param trainLoss               mean cross-entropy over the epoch's batches, as the weights were when each ran
 * @param trainAccuracy           share of training samples predicted right during the epoch
 * @param validationLoss          mean cross-entropy on the held-out samples after the epoch; empty without validation
 * @param validationAccuracy      share of held-out samples predicted right after the epoch
 * @param learningRate            the rate of the epoch's last optimizer step
 * @param seconds                 wall time of the epoch, validation included
 * @param samplesPerSecond        training samples per second of training (validation excluded)
 * @param predictedClasses        how many distinct classes the model predicted on the held-out samples (on the
 *                                epoch's training samples without validation)
 * @param dominantPredictionShare the share of those predictions that fell on the most predicted class
 * @param labelClasses            how many distinct classes the labels of the same samples hold
 */
public record EpochReport(int epoch, int epochs, double trainLoss, double trainAccuracy,
                          OptionalDouble validationLoss, OptionalDouble validationAccuracy, double learningRate,
                          double seconds, double samplesPerSecond, int predictedClasses,
                          double dominantPredictionShare, int labelClasses) {

    /**
     * The model predicts one class for every sample although the labels hold several: the collapse seen when seeded
     * runs diverged under load (FACTS.md). The loop reports it; whoever runs the loop decides whether to stop.
     */
    public boolean collapsed() {
        return predictedClasses == 1 && labelClasses > 1;
    }
}
