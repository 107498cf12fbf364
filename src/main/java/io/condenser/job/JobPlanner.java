package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.UnsupportedModelException;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.eval.DatasetFeed;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.TensorSignature;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.SyntheticInputs;
import io.condenser.problem.FieldProblem;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.webhook.WebhookSecret;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
    static final int MAX_SYNTHETIC_SAMPLES = 4096;

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
        if (spec.evaluation() != null && spec.evaluation().datasetId() == null && spec.evaluation().samples() != null
                && spec.evaluation().samples() > MAX_SYNTHETIC_SAMPLES) {
            problems.add(new FieldProblem("evaluation.samples", "at most " + MAX_SYNTHETIC_SAMPLES
                    + " synthetic samples; name a dataset (evaluation.datasetId) to evaluate on more"));
        }
        if (spec.evaluation() != null && spec.evaluation().dimensions() != null) {
            spec.evaluation().dimensions().forEach((name, size) -> {
                if (size == null || size < 1 || size > MAX_DIMENSION) {
                    problems.add(new FieldProblem("evaluation.dimensions." + name,
                            "must be between 1 and " + MAX_DIMENSION));
                }
            });
        }
        JobSpecDocument.WebhookDocument webhook = planWebhook(spec.webhook(), problems);
        if (!problems.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_JOB_SPEC, problems.stream()
                    .map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")), problems);
        }
        JobSpecDocument.EvaluationDocument evaluation = normalizedEvaluation(spec.evaluation());
        JobSpecDocument normalized = new JobSpecDocument(spec.modelId(), device.wireName(), normalizedSteps,
                evaluation, webhook);
        int samples = evaluation.samples() == null ? EvaluationSettings.ALL_SAMPLES : evaluation.samples();
        return new PlannedJob(normalized, device, steps, new EvaluationSettings(samples, evaluation.batchSize(),
                evaluation.latencyRuns(), WARMUP_RUNS, evaluation.dimensions(), evaluation.seed()));
    }

    /**
     * @throws ProblemException METHOD_NOT_APPLICABLE naming each step that cannot run on this model, or the evaluation
     *                          when the model cannot be fed its inputs
     */
    public void checkApplicable(PlannedJob job, ModelProto model, JobDatasets datasets) {
        List<FieldProblem> problems = new ArrayList<>();
        checkEvaluation(job, model, datasets, problems);
        for (PlannedJob.PlannedStep step : job.steps()) {
            step.definition().whyNotApplicable(step.arguments(), model, datasets)
                    .ifPresent(reason -> problems.add(new FieldProblem("steps[" + step.index() + "]", reason)));
        }
        refuseIfAny(problems);
    }

    /**
     * A TorchScript model runs only the steps that declare TorchScript support, and is evaluated on a dataset: it
     * declares no input shapes to make synthetic inputs from, and no output names.
     *
     * @throws ProblemException METHOD_NOT_APPLICABLE naming each step and evaluation field that cannot be
     */
    public void checkApplicableToTorchScript(PlannedJob job, JobDatasets datasets) {
        List<FieldProblem> problems = new ArrayList<>();
        JobSpecDocument.EvaluationDocument evaluation = job.normalized().evaluation();
        if (evaluation.datasetId() == null) {
            problems.add(new FieldProblem("evaluation.datasetId", "required for a TorchScript model: it declares no"
                    + " input shapes to make synthetic inputs from, so it is evaluated on a dataset"));
        }
        if (evaluation.output() != null) {
            problems.add(new FieldProblem("evaluation.output", "a TorchScript model's outputs have no names; its"
                    + " first output is taken as the class scores"));
        }
        for (PlannedJob.PlannedStep step : job.steps()) {
            Optional<String> reason = step.definition() instanceof TorchScriptSupport supported
                    ? supported.whyNotApplicableToTorchScript(step.arguments(), datasets)
                    : Optional.of(step.label() + " needs an ONNX model and this is a TorchScript model; export it"
                    + " with torch.onnx.export and upload the .onnx");
            reason.ifPresent(r -> problems.add(new FieldProblem("steps[" + step.index() + "]", r)));
        }
        refuseIfAny(problems);
    }

    private static void refuseIfAny(List<FieldProblem> problems) {
        if (!problems.isEmpty()) {
            throw new ProblemException(ProblemType.METHOD_NOT_APPLICABLE, problems.stream()
                    .map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")), problems);
        }
    }

    private static void checkEvaluation(PlannedJob job, ModelProto model, JobDatasets datasets,
                                        List<FieldProblem> problems) {
        EvaluationSettings evaluation = job.evaluation();
        JobSpecDocument.EvaluationDocument document = job.normalized().evaluation();
        String output = document.output();
        if (output != null && model.getGraph().getOutputList().stream().noneMatch(o -> o.getName().equals(output))) {
            problems.add(new FieldProblem("evaluation.output", "the model has no output '" + output + "'"));
        }
        try {
            long elements;
            String lower;
            if (document.datasetId() != null) {
                DatasetFeed feed = DatasetFeed.of(model, datasets.get(document.datasetId()));
                elements = feed.batchElements(evaluation.batchSize());
                lower = "lower evaluation.batchSize";
                long largestLabel = datasets.largestLabel(document.datasetId());
                if (largestLabel >= 0) {
                    checkScoresOutput(model, output, largestLabel, problems);
                }
            } else {
                elements = SyntheticInputs.of(model).batchElements(evaluation.batchSize(), evaluation.dimensions());
                lower = "lower evaluation.batchSize or evaluation.dimensions";
            }
            if (elements > SyntheticInputs.MAX_BATCH_ELEMENTS) {
                problems.add(new FieldProblem("evaluation.batchSize", "a batch of " + evaluation.batchSize()
                        + " samples of this model's inputs exceeds " + SyntheticInputs.MAX_BATCH_ELEMENTS
                        + " elements; " + lower));
            }
        } catch (UnsupportedModelException e) {
            problems.add(new FieldProblem(document.datasetId() != null ? "evaluation.datasetId" : "evaluation",
                    e.getMessage()));
        }
    }

    /**
     * With labels, the scores output must be able to hold them: FLOAT [batch, classes] with more classes than the
     * largest label, as far as the model declares it. Checked now so a job does not fail after all its work.
     */
    private static void checkScoresOutput(ModelProto model, String output, long largestLabel,
                                          List<FieldProblem> problems) {
        List<TensorSignature> outputs = ModelInspector.inspect(model).outputs();
        TensorSignature scores = output == null ? outputs.getFirst()
                : outputs.stream().filter(o -> o.name().equals(output)).findFirst().orElse(null);
        if (scores == null) {
            return;
        }
        String field = output == null ? "evaluation.datasetId" : "evaluation.output";
        boolean declared = !scores.shape().isEmpty();
        if (scores.elementType() != DataType.FLOAT_VALUE && scores.elementType() != DataType.DOUBLE_VALUE
                || declared && scores.shape().size() != 2) {
            problems.add(new FieldProblem(field, "the dataset has labels, but output '" + scores.name() + "' ("
                    + scores.elementTypeName() + " " + scores.shape() + ") is not class scores [batch, classes];"
                    + " name the scores output in evaluation.output"));
        } else if (declared && scores.shape().get(1).isFixed() && scores.shape().get(1).size() <= largestLabel) {
            problems.add(new FieldProblem(field, "the dataset has the label " + largestLabel + ", but output '"
                    + scores.name() + "' has " + scores.shape().get(1).size() + " classes"));
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
        Object method = selector == null ? type : fields.get(selector);
        List<String> methods = ofType.stream().map(StepDefinition::method).toList();
        StepDefinition definition = method instanceof String m
                ? catalog.find((String) type, m).orElse(null) : null;
        if (definition == null) {
            problems.add(new FieldProblem(path + "." + selector, (method == null ? "required" : "unknown "
                    + selector + " '" + method + "'") + "; one of " + String.join(", ", methods)));
            return;
        }
        int before = problems.size();
        Map<String, Object> values = checkFields(definition.parameters(), fields, path,
                selector == null ? Set.of("type") : Set.of("type", selector),
                type + "/" + definition.method(), problems);
        if (problems.size() > before) {
            return;
        }
        StepArguments arguments = new StepArguments(values);
        Optional<FieldProblem> combination = definition.checkArguments(arguments);
        if (combination.isPresent()) {
            problems.add(new FieldProblem(path + "." + combination.get().field(), combination.get().message()));
            return;
        }
        steps.add(new PlannedJob.PlannedStep(index, definition, arguments));
        Map<String, Object> normalized = new LinkedHashMap<>();
        normalized.put("type", type);
        if (selector != null) {
            normalized.put(selector, definition.method());
        }
        normalized.putAll(values);
        normalizedSteps.add(normalized);
    }

    /**
     * Checks the fields of a step (or of an object parameter) against their definitions.
     *
     * @param ignored fields checked elsewhere (the step's type and method selector)
     * @return the checked values with defaults filled in
     */
    private static Map<String, Object> checkFields(List<ParameterDefinition> definitions, Map<String, Object> fields,
                                                   String path, Set<String> ignored, String owner,
                                                   List<FieldProblem> problems) {
        for (String field : fields.keySet()) {
            if (!ignored.contains(field) && definitions.stream().noneMatch(p -> p.name().equals(field))) {
                problems.add(new FieldProblem(path + "." + field, "unknown parameter of " + owner + "; known: "
                        + definitions.stream().map(ParameterDefinition::name).collect(Collectors.joining(", "))));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterDefinition parameter : definitions) {
            Object value = fields.get(parameter.name());
            String field = path + "." + parameter.name();
            if (value == null && parameter.kind() == ParameterDefinition.Kind.OBJECT && !parameter.required()) {
                value = Map.of();
            }
            if (value == null) {
                if (parameter.required()) {
                    problems.add(new FieldProblem(field, "required"));
                } else if (parameter.defaultValue() != null) {
                    values.put(parameter.name(), parameter.defaultValue());
                }
                continue;
            }
            checkValue(parameter, value, field, problems).ifPresent(v -> values.put(parameter.name(), v));
        }
        return values;
    }

    private static Optional<Object> checkValue(ParameterDefinition parameter, Object value, String field,
                                               List<FieldProblem> problems) {
        boolean fits = switch (parameter.kind()) {
            case BOOLEAN -> value instanceof Boolean;
            case STRING, DATASET -> value instanceof String;
            case INTEGER -> value instanceof Integer || value instanceof Long;
            case NUMBER -> value instanceof Number;
            case OBJECT -> value instanceof Map;
        };
        if (!fits) {
            String expected = switch (parameter.kind()) {
                case DATASET -> "string (a dataset id)";
                case OBJECT -> "object";
                default -> parameter.kind().name().toLowerCase(Locale.ROOT);
            };
            problems.add(new FieldProblem(field, "must be a " + expected));
            return Optional.empty();
        }
        if (!parameter.allowedValues().isEmpty() && !parameter.allowedValues().contains(value)) {
            problems.add(new FieldProblem(field, "'" + value + "' is not one of "
                    + String.join(", ", parameter.allowedValues())));
            return Optional.empty();
        }
        if (value instanceof Number number && !withinBounds(parameter, number)) {
            problems.add(new FieldProblem(field, "must be between " + parameter.minimum() + " and "
                    + parameter.maximum()));
            return Optional.empty();
        }
        if (parameter.kind() == ParameterDefinition.Kind.DATASET && !isUuid((String) value)) {
            problems.add(new FieldProblem(field, "'" + value + "' is not a dataset id"));
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> nested = new LinkedHashMap<>();
            map.forEach((k, v) -> nested.put(String.valueOf(k), v));
            int before = problems.size();
            Map<String, Object> checked = checkFields(parameter.fields(), nested, field, Set.of(), parameter.name(),
                    problems);
            return problems.size() > before ? Optional.empty() : Optional.of(checked);
        }
        return Optional.of(value);
    }

    private static boolean withinBounds(ParameterDefinition parameter, Number value) {
        double v = value.doubleValue();
        return (parameter.minimum() == null || v >= parameter.minimum().doubleValue())
                && (parameter.maximum() == null || v <= parameter.maximum().doubleValue());
    }

    private static boolean isUuid(String value) {
        try {
            UUID.fromString(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Checks a webhook's fields (its target is checked at submission, which resolves its host).
     *
     * @return the webhook with its events filled in and without its secret, which is stored apart from the spec
     */
    private static JobSpecDocument.WebhookDocument planWebhook(JobSpecDocument.WebhookDocument webhook,
                                                               List<FieldProblem> problems) {
        if (webhook == null) {
            return null;
        }
        if (webhook.url() == null || webhook.url().isBlank()) {
            problems.add(new FieldProblem("webhook.url", "required"));
        }
        if (webhook.secret() != null) {
            try {
                WebhookSecret.key(webhook.secret());
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("webhook.secret", e.getMessage()));
            }
        }
        List<String> events = webhook.events() == null || webhook.events().isEmpty()
                ? JobWebhookEvent.DEFAULT.stream().map(JobWebhookEvent::wireName).toList() : webhook.events();
        for (int i = 0; i < events.size(); i++) {
            if (JobWebhookEvent.fromWire(events.get(i)).isEmpty()) {
                problems.add(new FieldProblem("webhook.events[" + i + "]", "'" + events.get(i) + "' is not one of "
                        + Arrays.stream(JobWebhookEvent.values()).map(JobWebhookEvent::wireName)
                        .collect(Collectors.joining(", "))));
            }
        }
        return new JobSpecDocument.WebhookDocument(webhook.url(), events.stream().distinct().toList(), null);
    }

    private static JobSpecDocument.EvaluationDocument normalizedEvaluation(JobSpecDocument.EvaluationDocument given) {
        JobSpecDocument.EvaluationDocument e = given == null
                ? new JobSpecDocument.EvaluationDocument(null, null, null, null, null, null, null) : given;
        return new JobSpecDocument.EvaluationDocument(
                e.datasetId(),
                e.output(),
                e.samples() == null && e.datasetId() == null ? Integer.valueOf(DEFAULT_SAMPLES) : e.samples(),
                e.batchSize() == null ? DEFAULT_BATCH_SIZE : e.batchSize(),
                e.latencyRuns() == null ? DEFAULT_LATENCY_RUNS : e.latencyRuns(),
                e.dimensions() == null ? Map.of() : Map.copyOf(e.dimensions()),
                e.seed() == null ? DEFAULT_SEED : e.seed());
    }
}
