package io.condenser.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.TestPostgres;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Rows stored before tenants existed belong to the default tenant after the migration. */
class TenancyMigrationTest {

    @Test
    void existingRowsMoveToTheDefaultTenantAndIdempotencyKeysBecomePerTenant() throws Exception {
        TestPostgres.Connection server = TestPostgres.shared();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(FreshDatabase.create(), server.username(),
                server.password());
        JdbcClient jdbc = JdbcClient.create(dataSource);
        Flyway.configure().dataSource(dataSource).target("4").load().migrate();
        UUID model = UUID.randomUUID();
        UUID dataset = UUID.randomUUID();
        UUID job = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO models (id, name, format, storage_key, size_bytes, sha256, inspection, created_at)
                        VALUES (?, 'm', 'ONNX', 'models/m', 10, 'aa', '{}', now())""").param(model).update();
        jdbc.sql("""
                        INSERT INTO datasets (id, name, format, storage_key, size_bytes, sha256, inspection, created_at)
                        VALUES (?, 'd', 'NPY', 'datasets/d', 10, 'bb', '{}', now())""").param(dataset).update();
        jdbc.sql("""
                        INSERT INTO jobs (id, model_id, status, device, spec, max_attempts, created_at, updated_at)
                        VALUES (?, ?, 'QUEUED', 'auto', '{}', 3, now(), now())""").params(job, model).update();
        jdbc.sql("""
                        INSERT INTO idempotency_keys (scope, key, fingerprint, resource_id, created_at)
                        VALUES ('jobs', 'k', 'f', ?, now())""").param(job).update();

        Flyway.configure().dataSource(dataSource).load().migrate();

        UUID defaultTenant = jdbc.sql("SELECT id FROM tenants WHERE name = 'default'").query(UUID.class).single();
        for (String table : List.of("models", "datasets", "jobs", "idempotency_keys")) {
            assertThat(jdbc.sql("SELECT DISTINCT tenant_id FROM " + table).query(UUID.class).list()).as(table)
                    .containsExactly(defaultTenant);
        }
        UUID other = UUID.randomUUID();
        jdbc.sql("INSERT INTO tenants (id, name, created_at) VALUES (?, 'other', now())").param(other).update();
        jdbc.sql("""
                        INSERT INTO idempotency_keys (tenant_id, scope, key, fingerprint, resource_id, created_at)
                        VALUES (?, 'jobs', 'k', 'g', ?, now())""").params(other, job).update();
        assertThat(jdbc.sql("SELECT count(*) FROM idempotency_keys WHERE key = 'k'").query(Long.class).single())
                .isEqualTo(2);
    }
}
