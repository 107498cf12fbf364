package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.Optional;

/**
 * A compression method a job step can name: its type (e.g. quantize), the field that selects the method among those of
 * the type (e.g. mode) and the method's name (e.g. dynamic), its parameters, and how to build and check the step.
 */
public interface StepDefinition {

    String type();

    String selectorField();

    String method();

    String description();

    List<ParameterDefinition> parameters();

    PipelineStep create(StepArguments arguments, StepContext context);

    /** Why the method cannot be applied to this model (with these datasets), if it cannot. */
    Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets);
}
