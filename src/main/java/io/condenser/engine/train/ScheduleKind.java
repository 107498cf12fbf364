package io.condenser.engine.train;

/** How the learning rate changes over a run. */
public enum ScheduleKind {
    /** The base rate throughout. */
    CONSTANT,
    /** The base rate times gamma after every n epochs. */
    STEP,
    /** Half a cosine from the base rate down to zero over all the run's steps. */
    COSINE
}
