package io.condenser.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The quotas of tenants that have none of their own (a tenant's NULL quota); an absent default is unlimited.
 *
 * @param retryAfter what a 429 for an exceeded quota tells clients to wait (a job may have finished by then)
 */
@ConfigurationProperties("condenser.quotas")
public record QuotaProperties(DataSize maxStoredBytes, Integer maxConcurrentJobs, Integer requestsPerMinute,
                              @DefaultValue("60s") Duration retryAfter) {
}
