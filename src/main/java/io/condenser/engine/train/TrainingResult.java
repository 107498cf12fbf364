package io.condenser.engine.train;

import java.util.List;
import java.util.OptionalDouble;

/**
 * How a run ended. The block holds the weights of the last epoch run (not the best epoch's: early stopping ends at most
 * {@code patience} epochs after the best one).
 *
 * @param epochs             the reports of the epochs this run did (a resumed run's start after its checkpoint)
 * @param bestEpoch          the epoch with the lowest validation loss so far, resumed runs included; 0 without validation
 * @param bestValidationLoss that loss; empty without validation
 */
public record TrainingResult(List<EpochReport> epochs, StopReason stopReason, int bestEpoch,
                             OptionalDouble bestValidationLoss) {

    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /** Why the loop ended. */
    public enum StopReason {
        /** Every requested epoch ran. */
        COMPLETED,
        /** The validation loss stopped improving for {@code patience} epochs. */
        EARLY_STOPPED
    }
}
