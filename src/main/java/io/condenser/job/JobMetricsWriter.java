package io.condenser.job;

import io.condenser.engine.eval.AccuracyReport;
import io.condenser.engine.eval.ComparisonReport;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.eval.LatencyStats;
import io.condenser.engine.eval.ModelMeasurement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Turns a finished job's reports into metric rows: one number per row, named, with its unit. */
final class JobMetricsWriter {

    private final UUID jobId;
    private final List<JobMetricEntity> rows = new ArrayList<>();

    JobMetricsWriter(UUID jobId) {
        this.jobId = jobId;
    }

    JobMetricsWriter comparison(ComparisonReport report) {
        measurement(MetricSubject.ORIGINAL, report.original());
        measurement(MetricSubject.RESULT, report.candidate());
        FidelityReport fidelity = report.fidelity();
        add(MetricSubject.FIDELITY, MetricNames.SAMPLES, "count", fidelity.samples());
        add(MetricSubject.FIDELITY, MetricNames.COSINE_MEAN, "ratio", fidelity.cosineMean());
        add(MetricSubject.FIDELITY, MetricNames.COSINE_MIN, "ratio", fidelity.cosineMin());
        add(MetricSubject.FIDELITY, MetricNames.MAX_ABS_DIFF, "value", fidelity.maxAbsDiff());
        if (fidelity.top1Agreement() != null) {
            add(MetricSubject.FIDELITY, MetricNames.TOP1_AGREEMENT, "ratio", fidelity.top1Agreement());
        }
        return this;
    }

    JobMetricsWriter steps(List<StepReport> steps) {
        for (StepReport step : steps) {
            rows.add(new JobMetricEntity(jobId, MetricSubject.STEP, MetricNames.DURATION, "ms", null, step.index(),
                    step.type(), step.durationMs()));
            step.counters().forEach(counter -> rows.add(new JobMetricEntity(jobId, MetricSubject.STEP,
                    counter.name(), counter.unit(), null, step.index(), step.type(), counter.value())));
        }
        return this;
    }

    JobMetricsWriter wallTime(double milliseconds) {
        add(MetricSubject.JOB, MetricNames.WALL_TIME, "ms", milliseconds);
        return this;
    }

    List<JobMetricEntity> rows() {
        return List.copyOf(rows);
    }

    private void measurement(MetricSubject subject, ModelMeasurement measurement) {
        add(subject, MetricNames.FILE_SIZE, "bytes", measurement.fileSizeBytes());
        add(subject, MetricNames.PARAMETERS, "count", measurement.parameterCount());
        add(subject, MetricNames.INITIALIZER_BYTES, "bytes", measurement.initializerBytes());
        for (LatencyStats latency : measurement.latency()) {
            int batch = latency.batchSize();
            rows.add(new JobMetricEntity(jobId, subject, MetricNames.LATENCY_MEDIAN, "ms", batch, null, null,
                    latency.medianMs()));
            rows.add(new JobMetricEntity(jobId, subject, MetricNames.LATENCY_P95, "ms", batch, null, null,
                    latency.p95Ms()));
            rows.add(new JobMetricEntity(jobId, subject, MetricNames.THROUGHPUT, "samples/s", batch, null, null,
                    latency.throughputPerSecond()));
            rows.add(new JobMetricEntity(jobId, subject, MetricNames.LATENCY_RUNS, "count", batch, null, null,
                    latency.runs()));
        }
        AccuracyReport accuracy = measurement.accuracy();
        if (accuracy != null) {
            add(subject, MetricNames.ACCURACY_SAMPLES, "count", accuracy.samples());
            add(subject, MetricNames.ACCURACY_TOP1, "ratio", accuracy.top1());
            if (accuracy.top5() != null) {
                add(subject, MetricNames.ACCURACY_TOP5, "ratio", accuracy.top5());
            }
        }
    }

    private void add(MetricSubject subject, String name, String unit, double value) {
        rows.add(new JobMetricEntity(jobId, subject, name, unit, null, null, null, value));
    }
}
