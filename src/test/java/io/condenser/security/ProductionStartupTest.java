package io.condenser.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.condenser.CondenserApplication;
import io.condenser.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The service started as in production, on a database of its own: no key, no API. */
class ProductionStartupTest {

    @TempDir
    Path storage;

    @Test
    void theApiRefusesToStartWithoutAKeyAndStartsOnceOneIsStored() throws Exception {
        String url = FreshDatabase.create();

        assertThatThrownBy(() -> start(url).close())
                .hasStackTraceContaining("no API key is configured: set condenser.security.admin-key");

        storeKey(url, ApiKeySecrets.generate());
        try (ConfigurableApplicationContext started = start(url)) {
            assertThat(started.isRunning()).isTrue();
        }
    }

    @Test
    void aConfiguredAdminKeyTooShortToBeASecretIsRefused() throws Exception {
        String url = FreshDatabase.create();

        assertThatThrownBy(() -> start(url, "--condenser.security.admin-key=letmein").close())
                .hasStackTraceContaining("condenser.security.admin-key (CONDENSER_SECURITY_ADMINKEY) must be 32");
    }

    @Test
    void changingTheConfiguredAdminKeyRevokesThePreviousOne() throws Exception {
        String url = FreshDatabase.create();
        String previous = ApiKeySecrets.generate();
        String rotated = ApiKeySecrets.generate();
        try (ConfigurableApplicationContext started = start(url, "--condenser.security.admin-key=" + previous)) {
            assertThat(started.getBean(ApiKeys.class).authenticate(previous)).isPresent();
        }

        try (ConfigurableApplicationContext started = start(url, "--condenser.security.admin-key=" + rotated)) {
            ApiKeys keys = started.getBean(ApiKeys.class);
            assertThat(keys.authenticate(previous)).isEmpty();
            assertThat(keys.authenticate(rotated)).get().extracting(Caller::scopes)
                    .isEqualTo(EnumSet.allOf(Scope.class));
        }

        try (ConfigurableApplicationContext started = start(url, "--condenser.security.admin-key=" + previous)) {
            ApiKeys keys = started.getBean(ApiKeys.class);
            assertThat(keys.authenticate(previous)).as("revoked stays revoked").isEmpty();
            assertThat(keys.authenticate(rotated)).as("a replica restarted with the old value revokes nothing newer")
                    .isPresent();
        }
    }

    @Test
    void restartingWithTheSameAdminKeyKeepsItAndKeysOfOtherNames() throws Exception {
        String url = FreshDatabase.create();
        String configured = ApiKeySecrets.generate();
        try (ConfigurableApplicationContext started = start(url, "--condenser.security.admin-key=" + configured)) {
            assertThat(started.isRunning()).isTrue();
        }
        String stored = ApiKeySecrets.generate();
        storeKey(url, stored);

        try (ConfigurableApplicationContext started = start(url, "--condenser.security.admin-key=" + configured)) {
            ApiKeys keys = started.getBean(ApiKeys.class);
            assertThat(keys.authenticate(configured)).isPresent();
            assertThat(keys.authenticate(stored)).isPresent();
        }
    }

    private ConfigurableApplicationContext start(String url, String... more) {
        TestPostgres.Connection server = TestPostgres.shared();
        String[] arguments = {"--spring.datasource.url=" + url, "--spring.datasource.username=" + server.username(),
                "--spring.datasource.password=" + server.password(), "--condenser.storage.root=" + storage,
                "--condenser.worker.enabled=false", "--server.port=0"};
        String[] all = new String[arguments.length + more.length];
        System.arraycopy(arguments, 0, all, 0, arguments.length);
        System.arraycopy(more, 0, all, arguments.length, more.length);
        return SpringApplication.run(CondenserApplication.class, all);
    }

    /** A key stored by an earlier run (the schema is there: the refused start migrated it). */
    private static void storeKey(String url, String secret) throws Exception {
        TestPostgres.Connection server = TestPostgres.shared();
        try (Connection connection = DriverManager.getConnection(url, server.username(), server.password());
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO api_keys (id, tenant_id, name, prefix, secret_sha256, scopes, created_at)
                     VALUES (?, (SELECT id FROM tenants WHERE name = 'default'), 'stored', ?, ?, '{admin}',
                             now())""")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, ApiKeySecrets.prefix(secret));
            insert.setBytes(3, ApiKeySecrets.sha256(secret));
            insert.executeUpdate();
        }
    }
}
