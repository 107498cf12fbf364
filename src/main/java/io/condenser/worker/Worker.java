package io.condenser.worker;

import io.condenser.engine.eval.DjlSettings;
import io.condenser.engine.eval.ExecutionDevice;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.job.ClaimedJob;
import io.condenser.job.Device;
import io.condenser.job.JobCheckpoints;
import io.condenser.job.JobError;
import io.condenser.job.JobQueue;
import io.condenser.job.JobRunner;
import io.condenser.job.JobStatus;
import io.condenser.problem.ProblemType;
import io.condenser.support.PostgresNotificationListener;
import io.condenser.support.WakeSignal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Claims jobs from the queue and runs them, {@code slots} at a time. Woken by PostgreSQL notifications when a job is
 * queued (polling is the fallback); heartbeats extend the leases of running jobs and carry cancellations to them; the
 * reaper re-queues jobs whose worker died. On shutdown, running jobs are stopped and put back in the queue.
 */
@Component
@ConditionalOnProperty(name = "condenser.worker.enabled", havingValue = "true")
public class Worker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final JobQueue queue;
    private final JobRunner runner;
    private final JobCheckpoints checkpoints;
    private final WorkerProperties properties;
    private final DataSource dataSource;
    private final JsonMapper json;
    private final String workerId;
    /**
     * Running jobs by lease token, not job id: after a lost lease this worker may claim the same job again while the
     * old run is still winding down, and each run must keep its own heartbeats.
     */
    private final Map<String, RunningJob> running = new ConcurrentHashMap<>();
    private final Semaphore freeSlots;
    private final WakeSignal wakeSignal = new WakeSignal();
    private volatile boolean active;
    private WorkerCapabilities capabilities;
    private int engineThreads;
    private ExecutorService jobThreads;
    private ScheduledExecutorService timers;
    private PostgresNotificationListener listener;
    private Thread loop;

    public Worker(JobQueue queue, JobRunner runner, WorkerProperties properties, DataSource dataSource,
                  JsonMapper json, MeterRegistry registry, JobCheckpoints checkpoints) {
        this.checkpoints = checkpoints;
        Gauge.builder("condenser.worker.busy.slots", running, Map::size)
                .description("Jobs this worker runs now").register(registry);
        Gauge.builder("condenser.worker.slots", properties, WorkerProperties::slots)
                .description("Jobs this worker runs at once at most").register(registry);
        this.queue = queue;
        this.runner = runner;
        this.properties = properties;
        this.dataSource = dataSource;
        this.json = json;
        this.freeSlots = new Semaphore(properties.slots());
        this.workerId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString()
                .substring(0, 8);
    }

    @Override
    public void start() {
        engineThreads = properties.resolvedEngineThreads(Runtime.getRuntime().availableProcessors());
        // Before anything starts an engine: each running job gets its share of the cores in PyTorch as in ONNX Runtime.
        DjlSettings.pyTorchThreads(engineThreads);
        capabilities = WorkerCapabilities.detect(properties.devices());
        active = true;
        AtomicInteger jobThreadNumber = new AtomicInteger();
        jobThreads = Executors.newFixedThreadPool(properties.slots(),
                r -> new Thread(r, "condenser-job-" + jobThreadNumber.incrementAndGet()));
        timers = Executors.newScheduledThreadPool(1, r -> WakeSignal.daemon(r, "condenser-worker-timers"));
        timers.scheduleWithFixedDelay(this::heartbeat, properties.heartbeat().toMillis(),
                properties.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::reap, 0, properties.reaperInterval().toMillis(), TimeUnit.MILLISECONDS);
        listener = new PostgresNotificationListener(dataSource,
                List.of(JobQueue.NEW_JOB_CHANNEL, JobQueue.CANCEL_CHANNEL), this::onNotification);
        WakeSignal.daemon(listener, "condenser-worker-listener").start();
        loop = WakeSignal.daemon(this::claimLoop, "condenser-worker-loop");
        loop.start();
        log.info("worker {} started: devices {}, {} slot(s), {} engine thread(s) per job", workerId,
                capabilities.devices(), properties.slots(), engineThreads);
    }

    @Override
    public void stop() {
        active = false;
        wake();
        listener.stop();
        try {
            // A claim in flight is launched before the loop ends, so the stop below reaches its job too.
            loop.join();
            running.values().forEach(RunningJob::stopForShutdown);
            jobThreads.shutdown();
            if (!jobThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("jobs still running at shutdown; their leases will expire and the reaper re-queues them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        log.info("worker {} stopped", workerId);
    }

    @Override
    public boolean isRunning() {
        return active;
    }

    public String workerId() {
        return workerId;
    }

    private void claimLoop() {
        while (active) {
            try {
                if (freeSlots.tryAcquire()) {
                    Optional<ClaimedJob> claimed = queue.claim(workerId, capabilities.devices(),
                            capabilities.preferred(), properties.lease());
                    if (claimed.isPresent()) {
                        launch(claimed.get());
                        continue;
                    }
                    freeSlots.release();
                }
                awaitWake();
            } catch (RuntimeException e) {
                freeSlots.release();
                log.warn("claiming a job failed: {}", e.getMessage());
                awaitWake();
            }
        }
    }

    private void launch(ClaimedJob claim) {
        RunningJob job = new RunningJob(claim, queue);
        running.put(claim.leaseToken(), job);
        log.info("job {} claimed (attempt {}, {})", claim.id(), claim.attempt(), claim.device());
        RuntimeSettings runtime = new RuntimeSettings(
                ExecutionDevice.valueOf(claim.device().toUpperCase(Locale.ROOT)), engineThreads);
        try {
            jobThreads.execute(() -> {
                try {
                    runner.run(claim, job, runtime, properties.workDir());
                } finally {
                    finished(claim);
                }
            });
        } catch (RejectedExecutionException e) {
            queue.release(claim);
            finished(claim);
        }
    }

    private void finished(ClaimedJob claim) {
        running.remove(claim.leaseToken());
        freeSlots.release();
        wake();
    }

    private void onNotification(String channel, String payload) {
        if (JobQueue.CANCEL_CHANNEL.equals(channel)) {
            running.values().stream().filter(job -> job.claim().id().toString().equals(payload))
                    .forEach(RunningJob::requestCancel);
        } else if (Device.AUTO.wireName().equals(payload)
                || capabilities.devices().stream().anyMatch(d -> d.wireName().equals(payload))) {
            wake();
        }
    }

    private void heartbeat() {
        for (RunningJob job : running.values()) {
            try {
                Optional<JobStatus> status = queue.heartbeat(job.claim(), properties.lease());
                if (status.isEmpty()) {
                    job.loseLease();
                } else if (status.get() == JobStatus.CANCELLING) {
                    job.requestCancel();
                }
            } catch (RuntimeException e) {
                log.warn("heartbeat of job {} failed: {}", job.claim().id(), e.getMessage());
            }
        }
    }

    private void reap() {
        try {
            String problem = json.writeValueAsString(JobError.of(ProblemType.WORKER_LOST,
                    "the workers running this job stopped renewing its lease " + properties.maxAttempts()
                            + " time(s); it is not retried again"));
            int reaped = queue.reapExpiredLeases(problem);
            if (reaped > 0) {
                log.info("reaped {} job(s) whose worker stopped heartbeating", reaped);
            }
            checkpoints.deleteOfFinishedJobs();
        } catch (RuntimeException e) {
            log.warn("reaping expired leases failed: {}", e.getMessage());
        }
    }

    private void awaitWake() {
        if (!wakeSignal.await(properties.pollInterval())) {
            active = false;
        }
    }

    private void wake() {
        wakeSignal.wake();
    }
}
