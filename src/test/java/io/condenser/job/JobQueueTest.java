package io.condenser.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.IntegrationTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The queue's SQL against a real PostgreSQL, with no worker running in the background. */
class JobQueueTest extends IntegrationTestSupport {

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Set<Device> CPU = Set.of(Device.CPU);

    @Autowired
    JobQueue queue;

    @BeforeEach
    void emptyQueue() {
        jdbc.sql("DELETE FROM jobs").update();
    }

    @Test
    void concurrentWorkersNeverClaimTheSameJob() throws Exception {
        List<UUID> queued = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            queued.add(insertJob("auto", 3));
        }
        Set<UUID> claimed = ConcurrentHashMap.newKeySet();
        List<UUID> duplicates = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService workers = Executors.newFixedThreadPool(8);
        List<Future<?>> runs = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String workerId = "worker-" + w;
            runs.add(workers.submit(() -> {
                Optional<ClaimedJob> job;
                while ((job = queue.claim(workerId, CPU, Device.CPU, LEASE)).isPresent()) {
                    if (!claimed.add(job.get().id())) {
                        duplicates.add(job.get().id());
                    }
                }
            }));
        }
        for (Future<?> run : runs) {
            run.get();
        }
        workers.shutdown();

        assertThat(duplicates).isEmpty();
        assertThat(claimed).containsExactlyInAnyOrderElementsOf(queued);
        assertThat(count("RUNNING")).isEqualTo(40);
    }

    @Test
    void oldestFirstAndOnlyOnDevicesTheWorkerHas() {
        UUID gpuJob = insertJob("gpu", 3);
        UUID first = insertJob("cpu", 3);
        UUID second = insertJob("auto", 3);

        assertThat(queue.claim("w", CPU, Device.CPU, LEASE)).map(ClaimedJob::id).contains(first);
        ClaimedJob auto = queue.claim("w", CPU, Device.CPU, LEASE).orElseThrow();
        assertThat(auto.id()).isEqualTo(second);
        assertThat(auto.device()).isEqualTo("cpu");
        assertThat(queue.claim("w", CPU, Device.CPU, LEASE)).as("a CPU worker leaves GPU jobs").isEmpty();
        assertThat(queue.claim("g", Set.of(Device.CPU, Device.GPU), Device.GPU, LEASE)).map(ClaimedJob::id)
                .contains(gpuJob);
    }

    @Test
    void anExpiredLeaseSendsTheJobBackAndTheOldHolderCanNoLongerFinishIt() {
        UUID id = insertJob("auto", 3);
        ClaimedJob dead = queue.claim("dead", CPU, Device.CPU, Duration.ofMillis(1)).orElseThrow();
        sleep(20);

        assertThat(queue.reapExpiredLeases("{}")).isEqualTo(1);
        assertThat(status(id)).isEqualTo("QUEUED");
        assertThat(queue.heartbeat(dead, LEASE)).isEmpty();

        ClaimedJob alive = queue.claim("alive", CPU, Device.CPU, LEASE).orElseThrow();
        assertThat(alive.attempt()).isEqualTo(2);
        assertThat(queue.succeed(dead, null)).isFalse();
        assertThat(queue.fail(dead, "{}")).isFalse();
        assertThat(queue.heartbeat(alive, LEASE)).contains(JobStatus.RUNNING);
        assertThat(queue.succeed(alive, null)).isTrue();
        assertThat(status(id)).isEqualTo("SUCCEEDED");
        assertThat(queue.reapExpiredLeases("{}")).isZero();
    }

    @Test
    void aJobWhoseWorkersKeepDyingFailsAfterItsLastAttempt() {
        UUID id = insertJob("auto", 2);
        for (int attempt = 1; attempt <= 2; attempt++) {
            queue.claim("dying", CPU, Device.CPU, Duration.ofMillis(1)).orElseThrow();
            sleep(20);
            queue.reapExpiredLeases("{\"type\":\"https://condenser.dev/problems/worker-lost\"}");
        }
        assertThat(status(id)).isEqualTo("FAILED");
        assertThat(jdbc.sql("SELECT error->>'type' FROM jobs WHERE id = ?").param(id).query(String.class).single())
                .endsWith("/worker-lost");
        assertThat(queue.claim("w", CPU, Device.CPU, LEASE)).isEmpty();
    }

    @Test
    void cancellingAQueuedJobEndsItAndCancellingARunningOneAsksItsWorker() {
        UUID queuedJob = insertJob("auto", 3);
        assertThat(queue.requestCancel(queuedJob)).contains(JobStatus.CANCELLED);
        assertThat(queue.requestCancel(queuedJob)).as("already ended").isEmpty();

        UUID runningJob = insertJob("auto", 3);
        ClaimedJob claim = queue.claim("w", CPU, Device.CPU, LEASE).orElseThrow();
        assertThat(queue.requestCancel(runningJob)).contains(JobStatus.CANCELLING);
        assertThat(queue.heartbeat(claim, LEASE)).contains(JobStatus.CANCELLING);
        assertThat(queue.succeed(claim, null)).as("a cancel request beats a late success").isFalse();
        assertThat(queue.cancelled(claim)).isTrue();
        assertThat(status(runningJob)).isEqualTo("CANCELLED");
    }

    @Test
    void aReleasedJobIsQueuedAgainWithoutUsingAnAttempt() {
        UUID id = insertJob("auto", 3);
        ClaimedJob claim = queue.claim("stopping", CPU, Device.CPU, LEASE).orElseThrow();

        queue.release(claim);

        assertThat(status(id)).isEqualTo("QUEUED");
        assertThat(jdbc.sql("SELECT attempts FROM jobs WHERE id = ?").param(id).query(Integer.class).single())
                .isZero();
    }

    private UUID insertJob(String device, int maxAttempts) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO jobs (id, tenant_id, status, device, spec, max_attempts, created_at, updated_at)
                        VALUES (?, (SELECT id FROM tenants WHERE name = 'default'), 'QUEUED', ?, '{}'::jsonb, ?,
                                clock_timestamp(), clock_timestamp())""")
                .params(id, device, maxAttempts).update();
        return id;
    }

    private String status(UUID id) {
        return jdbc.sql("SELECT status FROM jobs WHERE id = ?").param(id).query(String.class).single();
    }

    private long count(String status) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE status = ?").param(status).query(Long.class).single();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
