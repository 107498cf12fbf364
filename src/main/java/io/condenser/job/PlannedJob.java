package io.condenser.job;

import io.condenser.engine.eval.EvaluationSettings;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A checked job spec: its normalized form, the device asked for, the steps to run and how to measure. */
public record PlannedJob(JobSpecDocument normalized, Device device, List<PlannedStep> steps,
                         EvaluationSettings evaluation) {

    /** A step of the pipeline with its checked arguments. */
    public record PlannedStep(int index, StepDefinition definition, StepArguments arguments) {
        public String label() {
            return definition.selectorField() == null ? definition.type()
                    : definition.type() + "/" + definition.method();
        }

        /** The datasets the step's parameters name, with the field that names each. */
        Map<String, UUID> datasets() {
            Map<String, UUID> found = new LinkedHashMap<>();
            collect(definition.parameters(), arguments.values(), "steps[" + index + "]", found);
            return found;
        }

        @SuppressWarnings("unchecked")
        private static void collect(List<ParameterDefinition> parameters, Map<String, Object> values, String path,
                                    Map<String, UUID> found) {
            for (ParameterDefinition parameter : parameters) {
                Object value = values.get(parameter.name());
                if (parameter.kind() == ParameterDefinition.Kind.DATASET && value instanceof String id) {
                    found.put(path + "." + parameter.name(), UUID.fromString(id));
                } else if (parameter.kind() == ParameterDefinition.Kind.OBJECT && value instanceof Map<?, ?> nested) {
                    collect(parameter.fields(), (Map<String, Object>) nested, path + "." + parameter.name(), found);
                }
            }
        }
    }

    public PlannedJob {
        steps = List.copyOf(steps);
    }

    /** Every dataset the job reads, by the spec field that names it. */
    public Map<String, UUID> datasets() {
        Map<String, UUID> found = new LinkedHashMap<>();
        if (normalized.evaluation() != null && normalized.evaluation().datasetId() != null) {
            found.put("evaluation.datasetId", normalized.evaluation().datasetId());
        }
        steps.forEach(step -> found.putAll(step.datasets()));
        return found;
    }

    /** The distinct datasets the job reads. */
    public Set<UUID> datasetIds() {
        return new LinkedHashSet<>(datasets().values());
    }
}
