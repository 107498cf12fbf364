package io.condenser.job;

import io.condenser.engine.eval.RuntimeSettings;

/** What a step may use besides its arguments: the job's opened datasets and the engine settings of its worker. */
public record StepContext(JobDatasets datasets, RuntimeSettings runtime) {
}
