package io.condenser.security;

import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Creating and reading tenants (an operator's work, behind the admin scope). */
@Service
public class Tenants {

    /** The tenant the schema migration gave every row that existed before tenants did. */
    private static final String DEFAULT_TENANT = "default";

    private static final String SELECT = """
            SELECT t.id, t.name, t.max_stored_bytes, t.max_concurrent_jobs, t.requests_per_minute, t.created_at,
                   coalesce((SELECT sum(size_bytes) FROM models WHERE tenant_id = t.id), 0)
                     + coalesce((SELECT sum(size_bytes) FROM datasets WHERE tenant_id = t.id), 0) AS stored_bytes,
                   (SELECT count(*) FROM jobs WHERE tenant_id = t.id
                      AND status IN ('QUEUED', 'RUNNING', 'CANCELLING')) AS active_jobs
            FROM tenants t""";

    private final JdbcClient jdbc;

    public Tenants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @throws ProblemException TENANT_NAME_TAKEN when the name is taken */
    public Tenant create(String name, Long maxStoredBytes, Integer maxConcurrentJobs, Integer requestsPerMinute) {
        UUID id = UUID.randomUUID();
        try {
            jdbc.sql("""
                            INSERT INTO tenants (id, name, max_stored_bytes, max_concurrent_jobs, requests_per_minute,
                                                 created_at)
                            VALUES (?, ?, ?, ?, ?, clock_timestamp())""")
                    .params(id, name, maxStoredBytes, maxConcurrentJobs, requestsPerMinute)
                    .update();
        } catch (DuplicateKeyException e) {
            throw new ProblemException(ProblemType.TENANT_NAME_TAKEN, "a tenant named '" + name + "' exists");
        }
        return get(id);
    }

    public List<Tenant> list() {
        return jdbc.sql(SELECT + " ORDER BY t.created_at, t.id").query(Tenants::tenant).list();
    }

    /** @throws ProblemException NOT_FOUND */
    public Tenant get(UUID id) {
        return jdbc.sql(SELECT + " WHERE t.id = ?").param(id).query(Tenants::tenant).optional()
                .orElseThrow(() -> ProblemException.notFound("tenant", id));
    }

    public UUID defaultTenantId() {
        return jdbc.sql("SELECT id FROM tenants WHERE name = ?").param(DEFAULT_TENANT).query(UUID.class).single();
    }

    private static Tenant tenant(ResultSet rs, int row) throws SQLException {
        return new Tenant(rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getObject("max_stored_bytes", Long.class), rs.getObject("max_concurrent_jobs", Integer.class),
                rs.getObject("requests_per_minute", Integer.class), rs.getTimestamp("created_at").toInstant(),
                rs.getLong("stored_bytes"), rs.getLong("active_jobs"));
    }
}
