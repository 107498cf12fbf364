package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.problem.FieldProblem;
import java.util.List;
import java.util.Optional;

/**
 * A compression method a job step can name: its type (e.g. quantize), the field that selects the method among those of
 * the type (e.g. mode) and the method's name (e.g. dynamic), its parameters, and how to build and check the step.
 */
public interface StepDefinition {

    String type();

    /** The step field whose value names the method among those of its type; null when the type is the method. */
    String selectorField();

    String method();

    String description();

    List<ParameterDefinition> parameters();

    PipelineStep create(StepArguments arguments, StepContext context);

    /**
     * Checks what the parameter definitions cannot express alone (e.g. a value allowed only in combination).
     *
     * @return the refused field, named relative to the step (e.g. "blockSize")
     */
    default Optional<FieldProblem> checkArguments(StepArguments arguments) {
        return Optional.empty();
    }

    /** Why the method cannot be applied to this model (with these datasets), if it cannot. */
    Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets);
}
