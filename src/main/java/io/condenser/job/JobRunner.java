package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.dataset.DatasetService;
import io.condenser.engine.TaskCancelledException;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.data.InvalidDatasetException;
import io.condenser.engine.eval.ComparisonReport;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.eval.TorchScriptRuntimeModel;
import io.condenser.engine.onnx.InvalidModelException;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.train.DeviceUnavailableException;
import io.condenser.engine.train.IncompatibleCheckpointException;
import io.condenser.engine.train.TorchScriptModel;
import io.condenser.engine.train.TrainingDivergedException;
import io.condenser.model.InspectionSummary;
import io.condenser.model.ModelEntity;
import io.condenser.model.ModelFormat;
import io.condenser.model.ModelService;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.storage.ArtifactStore;
import io.condenser.support.LocalFolders;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a claimed job to a final state: the pipeline's steps on the model, the comparison of result and original, then
 * the result model, its metrics and the job's success in one transaction, which only commits while this worker still
 * holds the lease and nobody asked to cancel.
 */
@Component
public class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final double STEPS_SHARE = 0.45;
    private static final double EVALUATION_SHARE = 0.5;

    private final JobRepository jobs;
    private final JobMetricRepository metrics;
    private final JobPlanner planner;
    private final JobQueue queue;
    private final ModelService models;
    private final DatasetService datasets;
    private final ArtifactStore store;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final JobMetrics jobMetrics;
    private final JobEventLog events;
    private final JobCheckpoints checkpoints;

    public JobRunner(JobRepository jobs, JobMetricRepository metrics, JobPlanner planner, JobQueue queue,
                     ModelService models, DatasetService datasets, ArtifactStore store,
                     TransactionTemplate transactions, JsonMapper json, JobMetrics jobMetrics, JobEventLog events,
                     JobCheckpoints checkpoints) {
        this.checkpoints = checkpoints;
        this.jobMetrics = jobMetrics;
        this.events = events;
        this.jobs = jobs;
        this.metrics = metrics;
        this.planner = planner;
        this.queue = queue;
        this.models = models;
        this.datasets = datasets;
        this.store = store;
        this.transactions = transactions;
        this.json = json;
    }

    public void run(ClaimedJob claim, TaskMonitor monitor, RuntimeSettings runtime, Path workRoot) {
        long start = System.nanoTime();
        Path workDir = null;
        List<String> methods = new ArrayList<>();
        // What the job's duration is recorded as; null when this worker did not bring it to a final state.
        String outcome = "failed";
        try {
            workDir = Files.createDirectories(workRoot).resolve("job-" + claim.id() + "-" + claim.attempt());
            Files.createDirectories(workDir);
            execute(claim, monitor, runtime, workDir, start, methods);
            outcome = "succeeded";
        } catch (LeaseLostException e) {
            outcome = null;
            log.warn("job {} lost its lease ({}); leaving it to its new owner", claim.id(), e.getMessage());
        } catch (WorkerStoppingException e) {
            outcome = null;
            queue.release(claim);
            log.info("job {} given back to the queue: {}", claim.id(), e.getMessage());
        } catch (TaskCancelledException e) {
            outcome = null;
            if (queue.cancelled(claim)) {
                outcome = "cancelled";
                log.info("job {} cancelled", claim.id());
            } else {
                log.warn("job {} stopped ({}) after losing its lease", claim.id(), e.getMessage());
            }
        } catch (ProblemException e) {
            fail(claim, JobError.of(e.type() == ProblemType.NOT_FOUND ? ProblemType.COMPRESSION_FAILED : e.type(),
                    e.getMessage()));
        } catch (UnsupportedModelException | InvalidModelException | InvalidDatasetException
                 | TrainingDivergedException | DeviceUnavailableException | IncompatibleCheckpointException e) {
            // What the user can act on (a learning rate too high, a GPU the worker lacks) is said as it is.
            fail(claim, JobError.of(ProblemType.COMPRESSION_FAILED, e.getMessage()));
        } catch (OutOfMemoryError e) {
            fail(claim, JobError.of(ProblemType.INTERNAL_ERROR, "the worker ran out of memory: " + e.getMessage()));
        } catch (Exception | LinkageError e) {
            log.error("job {} failed", claim.id(), e);
            fail(claim, JobError.of(ProblemType.INTERNAL_ERROR, "the worker failed with " + e.getClass().getSimpleName()
                    + "; the details are in its log under job " + claim.id()));
        } finally {
            deleteRecursively(workDir);
            if (outcome != null) {
                jobMetrics.finished(methods.isEmpty() ? List.of("unplanned") : methods, outcome,
                        Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }

    /** @param methods filled with the steps' labels once the spec is planned, for the job's duration metric */
    private void execute(ClaimedJob claim, TaskMonitor monitor, RuntimeSettings runtime, Path workDir, long start,
                         List<String> methods) throws IOException {
        JobEntity job = jobs.findById(claim.id()).orElseThrow(() -> new LeaseLostException("job row is gone"));
        PlannedJob plan = planner.plan(json.readValue(job.getSpec(), JobSpecDocument.class));
        plan.steps().forEach(step -> methods.add(step.label()));
        if (job.getModelId() == null) {
            throw new ProblemException(ProblemType.COMPRESSION_FAILED, "the job's model was deleted");
        }
        // Workers serve every tenant; what a job reads and produces is its tenant's.
        ModelEntity source = models.get(job.getTenantId(), job.getModelId());
        try (ArtifactStore.LocalCopy original = models.localCopy(source);
             JobDatasets opened = JobDatasets.open(job.getTenantId(), plan, datasets, store,
                     ProblemType.COMPRESSION_FAILED)) {
            StepRunner steps = new StepRunner(claim, opened, runtime, workDir, monitor.slice(0, STEPS_SHARE),
                    plan.steps().size());
            boolean torchScript = source.getFormat() == ModelFormat.TORCHSCRIPT;
            Produced produced = torchScript ? runTorchScript(plan, original.path(), steps, monitor)
                    : runOnnx(plan, models.readModel(source, original.path()), steps, monitor);

            monitor.progress(STEPS_SHARE, "measuring");
            ModelComparison comparison = new ModelComparison(runtime);
            EvaluationSettings evaluation = evaluationSettings(plan, opened);
            TaskMonitor evaluationMonitor = monitor.slice(STEPS_SHARE, STEPS_SHARE + EVALUATION_SHARE);
            ComparisonReport report = torchScript
                    ? comparison.compareTorchScript(original.path(), produced.file(), evaluation, evaluationMonitor)
                    : comparison.compare(original.path(), produced.file(), evaluation, evaluationMonitor);
            monitor.checkCancelled();
            monitor.progress(STEPS_SHARE + EVALUATION_SHARE, "storing the result");

            String resultName = source.getName() + " · " + steps.reports().stream().map(StepReport::type)
                    .collect(Collectors.joining(" · "));
            transactions.executeWithoutResult(status -> {
                try {
                    ModelEntity result = models.registerResult(job.getTenantId(), produced.file(),
                            source.getFormat(), resultName, source.getId(), claim.id(), produced.inspection());
                    metrics.saveAll(new JobMetricsWriter(claim.id()).comparison(report).steps(steps.reports())
                            .wallTime((System.nanoTime() - start) / 1e6).rows());
                    if (!queue.succeed(claim, result.getId())) {
                        status.setRollbackOnly();
                        throw new TaskCancelledException("cancelled or lease lost before the result was committed");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The result file of a job's steps and its inspection. */
    private record Produced(Path file, InspectionSummary inspection) {
    }

    /** An ONNX model through the pipeline: each step rewrites the model, the result is validated and written. */
    private Produced runOnnx(PlannedJob plan, ModelProto original, StepRunner steps, TaskMonitor monitor)
            throws IOException {
        planner.checkApplicable(plan, original, steps.datasets());
        ModelProto model = original;
        for (PlannedJob.PlannedStep step : plan.steps()) {
            monitor.checkCancelled();
            if (step.index() > 0) {
                requireApplicable(step, model, steps.datasets());
            }
            ModelProto input = model;
            model = steps.run(step, (context, stepMonitor) -> step.definition().create(step.arguments(), context)
                    .apply(input, stepMonitor), PipelineStep.Outcome::counters).model();
        }
        ModelValidator.validate(model);
        Path resultFile = steps.workDir().resolve("result.onnx");
        if (OnnxModelFiles.write(model, resultFile).size() > 1) {
            throw new ProblemException(ProblemType.COMPRESSION_FAILED, "the result is too large for one ONNX file"
                    + " and needs external data, which the service cannot store yet");
        }
        return new Produced(resultFile, InspectionSummary.of(ModelInspector.inspect(model)));
    }

    /**
     * A TorchScript model through the steps that support it: loaded once with trainable parameters, changed in place
     * by each step, saved as TorchScript, and inspected by loading the saved file again.
     */
    private Produced runTorchScript(PlannedJob plan, Path original, StepRunner steps, TaskMonitor monitor)
            throws IOException {
        planner.checkApplicableToTorchScript(plan, steps.datasets());
        Path resultFile = steps.workDir().resolve("result.pt");
        try (TorchScriptModel model = TorchScriptModel.load(original, steps.runtime().device())) {
            for (PlannedJob.PlannedStep step : plan.steps()) {
                monitor.checkCancelled();
                TorchScriptSupport definition = (TorchScriptSupport) step.definition();
                steps.run(step, (context, stepMonitor) -> definition.createForTorchScript(step.arguments(), context)
                        .apply(model, stepMonitor), counters -> counters);
            }
            try (OutputStream out = Files.newOutputStream(resultFile)) {
                model.save(out);
            }
        }
        try (TorchScriptRuntimeModel saved = TorchScriptRuntimeModel.load(resultFile, steps.runtime())) {
            return new Produced(resultFile, InspectionSummary.of(saved.parameters()));
        }
    }

    /** What a step does once its context is built: a result whose counters go into the step's report. */
    @FunctionalInterface
    private interface StepWork<R> {
        R apply(StepContext context, TaskMonitor monitor) throws IOException;
    }

    /** Runs a job's steps one by one with their events ("started", "finished" with counters) and reports. */
    private final class StepRunner {

        private final ClaimedJob claim;
        private final JobDatasets datasets;
        private final RuntimeSettings runtime;
        private final Path workDir;
        private final TaskMonitor monitor;
        private final int count;
        private final List<StepReport> reports = new ArrayList<>();

        StepRunner(ClaimedJob claim, JobDatasets datasets, RuntimeSettings runtime, Path workDir, TaskMonitor monitor,
                   int count) {
            this.claim = claim;
            this.datasets = datasets;
            this.runtime = runtime;
            this.workDir = workDir;
            this.monitor = monitor;
            this.count = count;
        }

        <R> R run(PlannedJob.PlannedStep step, StepWork<R> work, Function<R, List<StepCounter>> counters)
                throws IOException {
            StepEventRecorder stepEvents = new StepEventRecorder(events, claim, step.index(), step.label());
            stepEvents.line("info", "started", Map.of());
            long stepStart = System.nanoTime();
            R result = work.apply(new StepContext(datasets, runtime, stepEvents,
                            new StepCheckpoints(checkpoints, claim, step.index(), workDir)),
                    monitor.slice((double) step.index() / count, (double) (step.index() + 1) / count));
            StepReport report = new StepReport(step.index(), step.label(), (System.nanoTime() - stepStart) / 1e6,
                    counters.apply(result));
            reports.add(report);
            stepEvents.line("info", "finished", finishedFields(report));
            return result;
        }

        JobDatasets datasets() {
            return datasets;
        }

        RuntimeSettings runtime() {
            return runtime;
        }

        Path workDir() {
            return workDir;
        }

        List<StepReport> reports() {
            return reports;
        }
    }

    /**
     * A step after the first was checked against the uploaded model only, before the job was queued; what the steps
     * before it made of the model can leave it nothing to do (fp16 weights for a static quantization), which is a
     * failure to report, not a success with zero counters.
     */
    private static void requireApplicable(PlannedJob.PlannedStep step, ModelProto model, JobDatasets datasets) {
        step.definition().whyNotApplicable(step.arguments(), model, datasets).ifPresent(reason -> {
            throw new ProblemException(ProblemType.METHOD_NOT_APPLICABLE, "steps[" + step.index() + "] ("
                    + step.label() + ") cannot run on the output of the steps before it: " + reason);
        });
    }

    /** What a step's "finished" log line carries: its duration and counters by name. */
    private static Map<String, Object> finishedFields(StepReport report) {
        Map<String, Object> counters = new LinkedHashMap<>();
        report.counters().forEach(counter -> counters.put(counter.name(), counter.value()));
        return Map.of("durationMs", report.durationMs(), "counters", counters);
    }

    private static EvaluationSettings evaluationSettings(PlannedJob plan, JobDatasets opened) {
        JobSpecDocument.EvaluationDocument evaluation = plan.normalized().evaluation();
        return evaluation.datasetId() == null ? plan.evaluation()
                : plan.evaluation().withDataset(opened.path(evaluation.datasetId()), evaluation.output());
    }

    private void fail(ClaimedJob claim, JobError error) {
        log.info("job {} failed: {}", claim.id(), error.detail());
        if (!queue.fail(claim, json.writeValueAsString(error))) {
            log.warn("job {} could not be marked failed: its lease was lost", claim.id());
        }
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            LocalFolders.deleteRecursively(directory);
        } catch (IOException e) {
            log.warn("could not remove work directory {}", directory, e);
        }
    }
}
