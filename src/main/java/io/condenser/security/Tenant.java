package io.condenser.security;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant with its own quotas, each null when it takes the configured default, and what it uses now.
 *
 * @param storedBytes the sizes of its models and datasets
 * @param activeJobs  its queued, running and cancelling jobs
 */
public record Tenant(UUID id, String name, Long maxStoredBytes, Integer maxConcurrentJobs, Integer requestsPerMinute,
                     Instant createdAt, long storedBytes, long activeJobs) {
}
