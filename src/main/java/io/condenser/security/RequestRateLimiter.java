package io.condenser.security;

import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Requests per minute per tenant, as a generic cell rate algorithm (a token bucket holding a minute's requests) whose
 * state is one timestamp per tenant in PostgreSQL. Every API replica sees the same state, so the limit holds for the
 * tenant whatever the number of replicas; the price is one single-row upsert per request of a limited tenant. (Counters
 * in each replica's memory would cost nothing per request but let a tenant make the limit times the replica count.)
 */
@Component
public class RequestRateLimiter {

    private static final double MINUTE_SECONDS = 60.0;

    private final JdbcClient jdbc;
    private final QuotaProperties defaults;

    public RequestRateLimiter(JdbcClient jdbc, QuotaProperties defaults) {
        this.jdbc = jdbc;
        this.defaults = defaults;
    }

    /** Counts a request of the caller's tenant; returns how long to wait when the tenant is over its limit. */
    public Optional<Duration> acquire(Caller caller) {
        Integer limit = caller.requestsPerMinute() != null ? caller.requestsPerMinute()
                : defaults.requestsPerMinute();
        if (limit == null) {
            return Optional.empty();
        }
        double interval = MINUTE_SECONDS / limit;
        // A full minute's requests may come at once; after that one every interval.
        double tolerance = MINUTE_SECONDS - interval;
        boolean allowed = jdbc.sql("""
                        INSERT INTO tenant_request_rates AS r (tenant_id, theoretical_arrival)
                        VALUES (:tenant, now() + make_interval(secs => :interval))
                        ON CONFLICT (tenant_id) DO UPDATE
                            SET theoretical_arrival = greatest(r.theoretical_arrival, now())
                                                      + make_interval(secs => :interval)
                            WHERE greatest(r.theoretical_arrival, now()) - now()
                                  <= make_interval(secs => :tolerance)""")
                .param("tenant", caller.tenantId()).param("interval", interval).param("tolerance", tolerance)
                .update() == 1;
        if (allowed) {
            return Optional.empty();
        }
        double wait = jdbc.sql("""
                        SELECT extract(epoch FROM theoretical_arrival - now()) - :tolerance
                        FROM tenant_request_rates WHERE tenant_id = :tenant""")
                .param("tenant", caller.tenantId()).param("tolerance", tolerance).query(Double.class).single();
        return Optional.of(Duration.ofSeconds(Math.max(1, (long) Math.ceil(wait))));
    }
}
