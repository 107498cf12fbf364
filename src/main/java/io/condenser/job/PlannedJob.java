package io.condenser.job;

import io.condenser.engine.eval.EvaluationSettings;
import java.util.List;

/** A checked job spec: its normalized form, the device asked for, the steps to run and how to measure. */
public record PlannedJob(JobSpecDocument normalized, Device device, List<PlannedStep> steps,
                         EvaluationSettings evaluation) {

    /** A step of the pipeline with its checked arguments. */
    public record PlannedStep(int index, StepDefinition definition, StepArguments arguments) {
        public String label() {
            return definition.type() + "/" + definition.method();
        }
    }

    public PlannedJob {
        steps = List.copyOf(steps);
    }
}
