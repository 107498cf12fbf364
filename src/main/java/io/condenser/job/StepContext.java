package io.condenser.job;

import io.condenser.engine.TaskEvents;
import io.condenser.engine.eval.RuntimeSettings;

/**
 * What a step may use besides its arguments: the job's opened datasets, the engine settings of its worker, where it
 * records events for the job's event stream (e.g. {@link TaskEvents#epoch} after each training epoch), and where a
 * training step keeps the checkpoints another worker resumes from.
 */
public record StepContext(JobDatasets datasets, RuntimeSettings runtime, TaskEvents events,
                          StepCheckpoints checkpoints) {
}
