package io.condenser.engine.train;

/** Told about every finished epoch, before its checkpoint is written. */
@FunctionalInterface
public interface EpochListener {

    EpochListener NONE = report -> {
    };

    void epochFinished(EpochReport report);
}
