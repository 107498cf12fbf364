package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.SyntheticInputs;
import io.condenser.problem.FieldProblem;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Checks a job spec field by field against the method catalog, fills in defaults, and checks the steps against the
 * model. Every refusal names the field it is about.
 */
@Component
public class JobPlanner {

    static final int DEFAULT_SAMPLES = 64;
    static final int DEFAULT_BATCH_SIZE = 32;
    static final int DEFAULT_LATENCY_RUNS = 30;
    static final int WARMUP_RUNS = 3;
    static final long DEFAULT_SEED = 42;
    static final int MAX_DIMENSION = 4096;

    private final MethodCatalog catalog;

    public JobPlanner(MethodCatalog catalog) {
        this.catalog = catalog;
    }

    /** @throws ProblemException INVALID_JOB_SPEC listing every refused field */
    public PlannedJob plan(JobSpecDocument spec) {
        List<FieldProblem> problems = new ArrayList<>();
        if (spec.modelId() == null) {
            problems.add(new FieldProblem("modelId", "required"));
        }
        Device device = Device.AUTO;
        if (spec.device() != null) {
            try {
                device = Device.fromWire(spec.device());
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("device", "must be one of auto, cpu, gpu"));
            }
        }
        List<PlannedJob.PlannedStep> steps = new ArrayList<>();
        List<Map<String, Object>> normalizedSteps = new ArrayList<>();
        if (spec.steps() == null || spec.steps().isEmpty()) {
            problems.add(new FieldProblem("steps", "at least one step is required"));
        } else {
            for (int i = 0; i < spec.steps().size(); i++) {
                planStep(i, spec.steps().get(i), problems, steps, normalizedSteps);
            }
        }
        if (spec.evaluation() != null && spec.evaluation().dimensions() != null) {
            spec.evaluation().dimensions().forEach((name, size) -> {
                if (size == null || size < 1 || size > MAX_DIMENSION) {
                    problems.add(new FieldProblem("evaluation.dimensions." + name,
                            "must be between 1 and " + MAX_DIMENSION));
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_JOB_SPEC, problems.stream()
                    .map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")), problems);
        }
        JobSpecDocument.EvaluationDocument evaluation = normalizedEvaluation(spec.evaluation());
        JobSpecDocument normalized = new JobSpecDocument(spec.modelId(), device.wireName(), normalizedSteps,
                evaluation);
        return new PlannedJob(normalized, device, steps, new EvaluationSettings(evaluation.samples(),
                evaluation.batchSize(), evaluation.latencyRuns(), WARMUP_RUNS, evaluation.dimensions(),
                evaluation.seed()));
    }

    /**
     * @throws ProblemException METHOD_NOT_APPLICABLE naming each step that cannot run on this model, or the evaluation
     *                          when the model cannot be fed synthetic inputs of that size
     */
    public void checkApplicable(PlannedJob job, ModelProto model) {
        List<FieldProblem> problems = new ArrayList<>();
        try {
            EvaluationSettings evaluation = job.evaluation();
            long elements = SyntheticInputs.of(model).batchElements(evaluation.batchSize(), evaluation.dimensions());
            if (elements > SyntheticInputs.MAX_BATCH_ELEMENTS) {
                problems.add(new FieldProblem("evaluation.batchSize", "a batch of " + evaluation.batchSize()
                        + " samples of this model's inputs exceeds " + SyntheticInputs.MAX_BATCH_ELEMENTS
                        + " elements; lower evaluation.batchSize or evaluation.dimensions"));
            }
        } catch (UnsupportedModelException e) {
            problems.add(new FieldProblem("evaluation", e.getMessage()));
        }
        for (PlannedJob.PlannedStep step : job.steps()) {
            step.definition().whyNotApplicable(step.arguments(), model)
                    .ifPresent(reason -> problems.add(new FieldProblem("steps[" + step.index() + "]", reason)));
        }
        if (!problems.isEmpty()) {
            throw new ProblemException(ProblemType.METHOD_NOT_APPLICABLE, problems.stream()
                    .map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")), problems);
        }
    }

    private void planStep(int index, Map<String, Object> fields, List<FieldProblem> problems,
                          List<PlannedJob.PlannedStep> steps, List<Map<String, Object>> normalizedSteps) {
        String path = "steps[" + index + "]";
        Object type = fields == null ? null : fields.get("type");
        List<StepDefinition> ofType = type instanceof String t ? catalog.ofType(t) : List.of();
        if (ofType.isEmpty()) {
            problems.add(new FieldProblem(path + ".type", (type == null ? "required" : "unknown step type '" + type
                    + "'") + "; one of " + String.join(", ", catalog.types())));
            return;
        }
        String selector = ofType.getFirst().selectorField();
        Object method = fields.get(selector);
        List<String> methods = ofType.stream().map(StepDefinition::method).toList();
        StepDefinition definition = method instanceof String m
                ? catalog.find((String) type, m).orElse(null) : null;
        if (definition == null) {
            problems.add(new FieldProblem(path + "." + selector, (method == null ? "required" : "unknown "
                    + selector + " '" + method + "'") + "; one of " + String.join(", ", methods)));
            return;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        int before = problems.size();
        for (String field : fields.keySet()) {
            if (!field.equals("type") && !field.equals(selector)
                    && definition.parameters().stream().noneMatch(p -> p.name().equals(field))) {
                problems.add(new FieldProblem(path + "." + field, "unknown parameter of " + type + "/"
                        + definition.method() + "; known: " + definition.parameters().stream()
                        .map(ParameterDefinition::name).collect(Collectors.joining(", "))));
            }
        }
        for (ParameterDefinition parameter : definition.parameters()) {
            Object value = fields.get(parameter.name());
            String field = path + "." + parameter.name();
            if (value == null) {
                if (parameter.required()) {
                    problems.add(new FieldProblem(field, "required"));
                } else {
                    values.put(parameter.name(), parameter.defaultValue());
                }
                continue;
            }
            checkValue(parameter, value, field, problems).ifPresent(v -> values.put(parameter.name(), v));
        }
        if (problems.size() > before) {
            return;
        }
        StepArguments arguments = new StepArguments(values);
        steps.add(new PlannedJob.PlannedStep(index, definition, arguments));
        Map<String, Object> normalized = new LinkedHashMap<>();
        normalized.put("type", type);
        normalized.put(selector, definition.method());
        normalized.putAll(values);
        normalizedSteps.add(normalized);
    }

    private static Optional<Object> checkValue(ParameterDefinition parameter, Object value, String field,
                                                         List<FieldProblem> problems) {
        boolean fits = switch (parameter.kind()) {
            case BOOLEAN -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case INTEGER -> value instanceof Integer || value instanceof Long;
            case NUMBER -> value instanceof Number;
        };
        if (!fits) {
            problems.add(new FieldProblem(field, "must be a " + parameter.kind().name().toLowerCase()));
            return Optional.empty();
        }
        if (!parameter.allowedValues().isEmpty() && !parameter.allowedValues().contains(value)) {
            problems.add(new FieldProblem(field, "'" + value + "' is not one of "
                    + String.join(", ", parameter.allowedValues())));
            return Optional.empty();
        }
        return Optional.of(value);
    }

    private static JobSpecDocument.EvaluationDocument normalizedEvaluation(JobSpecDocument.EvaluationDocument given) {
        JobSpecDocument.EvaluationDocument e = given == null
                ? new JobSpecDocument.EvaluationDocument(null, null, null, null, null) : given;
        return new JobSpecDocument.EvaluationDocument(
                e.samples() == null ? DEFAULT_SAMPLES : e.samples(),
                e.batchSize() == null ? DEFAULT_BATCH_SIZE : e.batchSize(),
                e.latencyRuns() == null ? DEFAULT_LATENCY_RUNS : e.latencyRuns(),
                e.dimensions() == null ? Map.of() : Map.copyOf(e.dimensions()),
                e.seed() == null ? DEFAULT_SEED : e.seed());
    }
}
