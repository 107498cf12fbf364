package io.condenser.engine.train;

/**
 * Told about every finished epoch, before its checkpoint is written; for a run that keeps its best weights, first about
 * epoch 0, the starting weights measured on the held-out samples (see {@link EpochReport}).
 */
@FunctionalInterface
public interface EpochListener {

    EpochListener NONE = report -> {
    };

    void epochFinished(EpochReport report);
}
