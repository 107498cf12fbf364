package io.condenser.engine.train;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How a run ended. Without {@link ValidationSettings#keepBestWeights()} the block holds the weights of the last epoch
 * run (not the best epoch's: early stopping ends at most {@code patience} epochs after the best one); with it, those of
 * {@link #keptEpoch()}.
 *
 * @param epochs                 the reports of the epochs this run did (a resumed run's start after its checkpoint)
 * @param initialValidation      epoch 0: the starting weights measured on the held-out samples, for a run that keeps
 *                               its best weights; empty otherwise, and for a resumed run (the run it continues measured
 *                               them)
 * @param bestEpoch              the epoch with the highest validation accuracy, the earliest of equals, resumed runs
 *                               included; 0 without validation, or when keeping the best weights and no epoch beat
 *                               the starting weights
 * @param bestValidationAccuracy that accuracy; empty without validation
 * @param bestValidationLoss     the validation loss of that epoch; empty without validation
 * @param keptEpoch              the epoch whose weights the block holds now, for a run that keeps its best weights:
 *                               {@code bestEpoch}, 0 when the starting weights were put back because no epoch
 *                               improved on them on the held-out samples; empty for a run that does not keep them
 * @param skippedSteps           optimizer steps this run skipped because every gradient of their batch was zero
 *                               (the batch's loss was exactly 0)
 */
public record TrainingResult(List<EpochReport> epochs, Optional<EpochReport> initialValidation, StopReason stopReason,
                             int bestEpoch, OptionalDouble bestValidationAccuracy, OptionalDouble bestValidationLoss,
                             OptionalInt keptEpoch, int skippedSteps) {

    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /** Why the loop ended. */
    public enum StopReason {
        /** Every requested epoch ran. */
        COMPLETED,
        /** The validation accuracy stopped improving for {@code patience} epochs. */
        EARLY_STOPPED
    }
}
