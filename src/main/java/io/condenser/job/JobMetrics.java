package io.condenser.job;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Job metrics for Prometheus: the queue's depth by status and device (what an autoscaler such as KEDA scales workers
 * on), read from the jobs table on a schedule so that every replica reports the same numbers, and the duration of
 * finished jobs by method and outcome.
 */
@Component
public class JobMetrics implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobMetrics.class);

    private final MeterRegistry registry;
    private final JdbcClient jdbc;
    private final MultiGauge jobs;
    private final ScheduledExecutorService refresher;

    private record Count(String status, String device, long jobs) {
    }

    public JobMetrics(MeterRegistry registry, JdbcClient jdbc,
                      @Value("${condenser.metrics.queue-refresh:15s}") Duration refresh) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.jobs = MultiGauge.builder("condenser.jobs").description("Jobs by status and requested device")
                .register(registry);
        this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "condenser-job-metrics");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the job counts now (the schedule does it every refresh interval). */
    public void refresh() {
        List<Count> counts = jdbc.sql("SELECT status, device, count(*) AS jobs FROM jobs GROUP BY status, device")
                .query(Count.class).list();
        jobs.register(counts.stream().map(c -> MultiGauge.Row.of(Tags.of("status", c.status(), "device",
                c.device()), c.jobs())).toList(), true);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.debug("job counts not refreshed: {}", e.getMessage());
        }
    }

    /** Records a job that reached a final state on this worker. */
    void finished(List<String> methods, String outcome, Duration duration) {
        Timer.builder("condenser.job.duration").description("Wall time of jobs from claim to final state")
                .tags("method", String.join(" · ", methods), "outcome", outcome).register(registry).record(duration);
    }

    @Override
    public void destroy() {
        refresher.shutdownNow();
    }
}
