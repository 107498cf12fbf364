package io.condenser.api;

import io.condenser.api.generated.dto.Accuracy;
import io.condenser.api.generated.dto.Dataset;
import io.condenser.api.generated.dto.DatasetFormat;
import io.condenser.api.generated.dto.DatasetInspection;
import io.condenser.api.generated.dto.Device;
import io.condenser.api.generated.dto.EvaluationSpec;
import io.condenser.api.generated.dto.Fidelity;
import io.condenser.api.generated.dto.Job;
import io.condenser.api.generated.dto.JobEvent;
import io.condenser.api.generated.dto.JobMetrics;
import io.condenser.api.generated.dto.JobSpec;
import io.condenser.api.generated.dto.JobStatus;
import io.condenser.api.generated.dto.Latency;
import io.condenser.api.generated.dto.Method;
import io.condenser.api.generated.dto.MethodParameter;
import io.condenser.api.generated.dto.Model;
import io.condenser.api.generated.dto.ModelFormat;
import io.condenser.api.generated.dto.ModelInspection;
import io.condenser.api.generated.dto.ModelMeasurement;
import io.condenser.api.generated.dto.Problem;
import io.condenser.api.generated.dto.StepReport;
import io.condenser.api.generated.dto.StepSpec;
import io.condenser.api.generated.dto.TensorDescription;
import io.condenser.api.generated.dto.WebhookEventType;
import io.condenser.api.generated.dto.WebhookSpec;
import io.condenser.dataset.DatasetEntity;
import io.condenser.dataset.DatasetService;
import io.condenser.dataset.DatasetSummary;
import io.condenser.job.JobEntity;
import io.condenser.job.JobError;
import io.condenser.job.JobEventQueries;
import io.condenser.job.JobMetricEntity;
import io.condenser.job.JobService;
import io.condenser.job.JobSpecDocument;
import io.condenser.job.MetricNames;
import io.condenser.job.MetricSubject;
import io.condenser.job.ParameterDefinition;
import io.condenser.job.StepDefinition;
import io.condenser.model.InspectionSummary;
import io.condenser.model.ModelEntity;
import io.condenser.model.ModelService;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Converts between the contract's types (generated from openapi.yaml) and the service's. */
@Component
class ApiMapper {

    private static final TypeReference<Map<String, Object>> EVENT_DATA = new TypeReference<>() {
    };

    private final ModelService models;
    private final DatasetService datasets;
    private final JobService jobs;
    private final JsonMapper json;

    ApiMapper(ModelService models, DatasetService datasets, JobService jobs, JsonMapper json) {
        this.models = models;
        this.datasets = datasets;
        this.jobs = jobs;
        this.json = json;
    }

    Dataset dataset(DatasetEntity entity) {
        DatasetSummary summary = datasets.summary(entity);
        return new Dataset()
                .id(entity.getId())
                .name(entity.getName())
                .format(DatasetFormat.fromValue(entity.getFormat().name()))
                .sizeBytes(entity.getSizeBytes())
                .sha256(entity.getSha256())
                .createdAt(time(entity.getCreatedAt()))
                .inspection(new DatasetInspection()
                        .sampleCount(summary.sampleCount())
                        .sampleShape(summary.sampleShape())
                        .labelled(summary.labelled())
                        .classCount(summary.classCount())
                        .labelCounts(summary.labelled() ? new LinkedHashMap<>(summary.labelCounts()) : null)
                        .minimum(summary.minimum())
                        .maximum(summary.maximum())
                        .mean(summary.mean()));
    }

    Model model(ModelEntity entity) {
        InspectionSummary inspection = models.inspection(entity);
        return new Model()
                .id(entity.getId())
                .name(entity.getName())
                .format(ModelFormat.fromValue(entity.getFormat().name()))
                .sizeBytes(entity.getSizeBytes())
                .sha256(entity.getSha256())
                .createdAt(time(entity.getCreatedAt()))
                .parentModelId(entity.getParentModelId())
                .sourceJobId(entity.getSourceJobId())
                .inspection(new ModelInspection()
                        .irVersion(inspection.irVersion())
                        .opsets(new TreeMap<>(inspection.opsets()))
                        .producer(inspection.producer())
                        .inputs(inspection.inputs().stream().map(ApiMapper::tensor).toList())
                        .outputs(inspection.outputs().stream().map(ApiMapper::tensor).toList())
                        .operators(new TreeMap<>(inspection.operators()))
                        .nodeCount(inspection.nodeCount())
                        .parameterCount(inspection.parameterCount())
                        .initializerBytes(inspection.initializerBytes())
                        .parameterNames(inspection.parameterNames()));
    }

    Job job(JobEntity entity) {
        return jobs(List.of(entity)).getFirst();
    }

    /** Jobs with their metrics, which are read for all of them at once. */
    List<Job> jobs(List<JobEntity> entities) {
        Map<UUID, List<JobMetricEntity>> metrics = jobs.metrics(entities.stream().map(JobEntity::getId).toList());
        return entities.stream().map(entity -> job(entity, metrics.getOrDefault(entity.getId(), List.of()))).toList();
    }

    private Job job(JobEntity entity, List<JobMetricEntity> metrics) {
        Job job = new Job()
                .id(entity.getId())
                .modelId(entity.getModelId())
                .status(JobStatus.fromValue(entity.getStatus().name()))
                .progress(entity.getProgress())
                .progressMessage(entity.getProgressMessage())
                .attempts(entity.getAttempts())
                .maxAttempts(entity.getMaxAttempts())
                .device(Device.fromValue(entity.getDevice().wireName()))
                .workerDevice(entity.getWorkerDevice())
                .spec(spec(jobs.spec(entity)))
                .createdAt(time(entity.getCreatedAt()))
                .updatedAt(time(entity.getUpdatedAt()))
                .startedAt(time(entity.getStartedAt()))
                .finishedAt(time(entity.getFinishedAt()))
                .resultModelId(entity.getResultModelId());
        JobError error = jobs.error(entity);
        if (error != null) {
            job.error(new Problem().type(error.type()).title(error.title()).status(error.status())
                    .detail(error.detail()).errors(null));
        }
        if (!metrics.isEmpty()) {
            job.metrics(metrics(metrics));
        }
        return job;
    }

    JobEvent event(JobEventQueries.StoredEvent event) {
        return new JobEvent()
                .id(event.id())
                .type(event.type())
                .createdAt(time(event.createdAt()))
                .data(json.readValue(event.data(), EVENT_DATA));
    }

    JobSpecDocument spec(JobSpec spec) {
        List<Map<String, Object>> steps = spec.getSteps().stream().map(step -> {
            if (step == null) {
                return null;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("type", step.getType());
            if (step.getAdditionalProperties() != null) {
                fields.putAll(step.getAdditionalProperties());
            }
            return fields;
        }).toList();
        EvaluationSpec evaluation = spec.getEvaluation();
        WebhookSpec webhook = spec.getWebhook();
        return new JobSpecDocument(spec.getModelId(), spec.getDevice() == null ? null : spec.getDevice().getValue(),
                steps, evaluation == null ? null : new JobSpecDocument.EvaluationDocument(evaluation.getDatasetId(),
                evaluation.getOutput(), evaluation.getSamples(), evaluation.getBatchSize(),
                evaluation.getLatencyRuns(), evaluation.getDimensions(), evaluation.getSeed()),
                webhook == null ? null : new JobSpecDocument.WebhookDocument(webhook.getUrl(),
                        webhook.getEvents() == null ? null
                                : webhook.getEvents().stream().map(WebhookEventType::getValue).toList(),
                        webhook.getSecret()));
    }

    Method method(StepDefinition definition) {
        return new Method()
                .type(definition.type())
                .selector(definition.selectorField())
                .name(definition.method())
                .description(definition.description())
                .parameters(definition.parameters().stream().map(ApiMapper::parameter).toList());
    }

    private static MethodParameter parameter(ParameterDefinition p) {
        return new MethodParameter()
                .name(p.name())
                .type(p.kind().name().toLowerCase(Locale.ROOT))
                .required(p.required())
                .allowedValues(p.allowedValues().isEmpty() ? null : p.allowedValues())
                .defaultValue(p.defaultValue() == null ? null : p.defaultValue().toString())
                .minimum(p.minimum() == null ? null : p.minimum().doubleValue())
                .maximum(p.maximum() == null ? null : p.maximum().doubleValue())
                .fields(p.fields().isEmpty() ? null : p.fields().stream().map(ApiMapper::parameter).toList())
                .description(p.description());
    }

    private static JobSpec spec(JobSpecDocument document) {
        JobSpecDocument.EvaluationDocument evaluation = document.evaluation();
        return new JobSpec()
                .modelId(document.modelId())
                .device(Device.fromValue(document.device()))
                .steps(document.steps().stream().map(fields -> {
                    StepSpec step = new StepSpec().type((String) fields.get("type"));
                    fields.forEach((key, value) -> {
                        if (!key.equals("type")) {
                            step.putAdditionalProperty(key, value);
                        }
                    });
                    return step;
                }).toList())
                .evaluation(evaluation == null ? null : new EvaluationSpec()
                        .datasetId(evaluation.datasetId())
                        .output(evaluation.output())
                        .samples(evaluation.samples())
                        .batchSize(evaluation.batchSize())
                        .latencyRuns(evaluation.latencyRuns())
                        .dimensions(evaluation.dimensions())
                        .seed(evaluation.seed()))
                .webhook(document.webhook() == null ? null : new WebhookSpec()
                        .url(document.webhook().url())
                        .events(document.webhook().events().stream().map(WebhookEventType::fromValue).toList()));
    }

    private static JobMetrics metrics(List<JobMetricEntity> rows) {
        JobMetrics metrics = new JobMetrics()
                .original(measurement(rows, MetricSubject.ORIGINAL))
                .result(measurement(rows, MetricSubject.RESULT));
        Map<String, Double> fidelity = rows.stream().filter(r -> r.getSubject() == MetricSubject.FIDELITY)
                .collect(Collectors.toMap(JobMetricEntity::getName, JobMetricEntity::getValue, (a, b) -> b));
        if (!fidelity.isEmpty()) {
            Double samples = fidelity.get(MetricNames.SAMPLES);
            metrics.fidelity(new Fidelity()
                    .samples(samples == null ? null : samples.intValue())
                    .cosineMean(fidelity.get(MetricNames.COSINE_MEAN))
                    .cosineMin(fidelity.get(MetricNames.COSINE_MIN))
                    .maxAbsDiff(fidelity.get(MetricNames.MAX_ABS_DIFF))
                    .top1Agreement(fidelity.get(MetricNames.TOP1_AGREEMENT)));
        }
        Map<Integer, StepReport> steps = new TreeMap<>();
        for (JobMetricEntity row : rows) {
            if (row.getSubject() != MetricSubject.STEP) {
                continue;
            }
            StepReport step = steps.computeIfAbsent(row.getStepIndex(), index -> new StepReport()
                    .index(index).type(row.getStepType()).counters(new LinkedHashMap<>()));
            if (row.getName().equals(MetricNames.DURATION)) {
                step.durationMs(row.getValue());
            } else {
                step.getCounters().put(row.getName(), row.getValue());
            }
        }
        metrics.steps(new ArrayList<>(steps.values()));
        rows.stream().filter(r -> r.getSubject() == MetricSubject.JOB && r.getName().equals(MetricNames.WALL_TIME))
                .findFirst().ifPresent(r -> metrics.wallTimeMs(r.getValue()));
        return metrics;
    }

    private static ModelMeasurement measurement(List<JobMetricEntity> rows, MetricSubject subject) {
        List<JobMetricEntity> mine = rows.stream().filter(r -> r.getSubject() == subject).toList();
        if (mine.isEmpty()) {
            return null;
        }
        Map<Integer, Latency> latency = new TreeMap<>();
        ModelMeasurement measurement = new ModelMeasurement();
        Accuracy accuracy = new Accuracy();
        for (JobMetricEntity row : mine) {
            Integer batch = row.getBatchSize();
            switch (row.getName()) {
                case MetricNames.FILE_SIZE -> measurement.fileSizeBytes((long) row.getValue());
                case MetricNames.PARAMETERS -> measurement.parameterCount((long) row.getValue());
                case MetricNames.INITIALIZER_BYTES -> measurement.initializerBytes((long) row.getValue());
                case MetricNames.LATENCY_MEDIAN -> latency(latency, batch).medianMs(row.getValue());
                case MetricNames.LATENCY_P95 -> latency(latency, batch).p95Ms(row.getValue());
                case MetricNames.THROUGHPUT -> latency(latency, batch).throughputPerSecond(row.getValue());
                case MetricNames.LATENCY_RUNS -> latency(latency, batch).runs((int) row.getValue());
                case MetricNames.ACCURACY_SAMPLES -> accuracy.samples((long) row.getValue());
                case MetricNames.ACCURACY_TOP1 -> accuracy.top1(row.getValue());
                case MetricNames.ACCURACY_TOP5 -> accuracy.top5(row.getValue());
                default -> {
                }
            }
        }
        return measurement.latency(new ArrayList<>(latency.values()))
                .accuracy(accuracy.getTop1() == null ? null : accuracy);
    }

    private static Latency latency(Map<Integer, Latency> byBatch, Integer batch) {
        return byBatch.computeIfAbsent(batch, b -> new Latency().batchSize(b));
    }

    private static TensorDescription tensor(InspectionSummary.TensorSummary summary) {
        return new TensorDescription().name(summary.name()).elementType(summary.elementType())
                .shape(summary.shape());
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
