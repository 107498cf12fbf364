package io.condenser.worker;

import io.condenser.engine.TaskCancelledException;
import io.condenser.engine.TaskMonitor;
import io.condenser.job.ClaimedJob;
import io.condenser.job.JobQueue;
import io.condenser.job.LeaseLostException;
import io.condenser.job.WorkerStoppingException;

/**
 * A job this worker is running, and the monitor its engine work reports to: cancellation and a lost lease are flags
 * set by heartbeats and notifications and seen at the next check; progress is written at most every
 * {@value #PROGRESS_INTERVAL_NANOS} ns, or when it becomes a progress event (see {@link ProgressEventThrottle}).
 */
final class RunningJob implements TaskMonitor {

    private static final long PROGRESS_INTERVAL_NANOS = 500_000_000L;

    private final ClaimedJob claim;
    private final JobQueue queue;
    private volatile boolean cancelRequested;
    private volatile boolean leaseLost;
    private volatile boolean workerStopping;
    private final ProgressEventThrottle progressEvents = new ProgressEventThrottle();
    private long lastProgressWrite;

    RunningJob(ClaimedJob claim, JobQueue queue) {
        this.claim = claim;
        this.queue = queue;
    }

    ClaimedJob claim() {
        return claim;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    void loseLease() {
        leaseLost = true;
    }

    void stopForShutdown() {
        workerStopping = true;
    }

    @Override
    public void progress(double fraction, String message) {
        long now = System.nanoTime();
        boolean recordEvent = progressEvents.shouldRecord(fraction, message, now);
        if (!recordEvent && now - lastProgressWrite < PROGRESS_INTERVAL_NANOS && fraction < 1.0) {
            return;
        }
        lastProgressWrite = now;
        if (!queue.progress(claim, fraction, message, recordEvent)) {
            leaseLost = true;
        }
    }

    @Override
    public void checkCancelled() {
        if (leaseLost) {
            throw new LeaseLostException("the lease of job " + claim.id() + " expired or was taken");
        }
        if (workerStopping) {
            throw new WorkerStoppingException("the worker running job " + claim.id() + " is shutting down");
        }
        if (cancelRequested) {
            throw new TaskCancelledException("job " + claim.id() + " was cancelled");
        }
    }
}
