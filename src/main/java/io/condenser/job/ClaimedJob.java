package io.condenser.job;

import java.util.UUID;

/**
 * A job a worker holds a lease on.
 *
 * @param leaseToken unique to this claim; every later update names it, so a worker whose lease was taken away (and
 *                   the job re-queued and claimed again) can no longer change the job
 * @param device     the device the worker runs it on
 */
public record ClaimedJob(UUID id, String leaseToken, int attempt, String device) {
}
