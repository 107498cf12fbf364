package io.condenser.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for tests and the embedded development mode, chosen in this order: the server named by
 * CONDENSER_TEST_DATABASE_URL (with _USER and _PASSWORD), a Testcontainers container when Docker runs, or an
 * embedded PostgreSQL from Maven (zonky). Never skipped: without any of them, starting fails.
 */
public final class TestPostgres {

    private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
    private static final String POSTGRES_IMAGE = "postgres:17-alpine";

    /** How to reach the server. */
    public record Connection(String url, String username, String password, String kind) {
    }

    private static Connection shared;

    private TestPostgres() {
    }

    /** One server per JVM, started on first use and stopped at exit. */
    public static synchronized Connection shared() {
        if (shared == null) {
            shared = start(null);
        }
        return shared;
    }

    /**
     * Starts a server. With a data directory, the embedded server keeps its data there across runs (development
     * mode); otherwise its data is thrown away at exit.
     */
    public static Connection start(Path dataDirectory) {
        String url = System.getenv("CONDENSER_TEST_DATABASE_URL");
        if (url != null && !url.isBlank()) {
            Connection connection = new Connection(url, System.getenv().getOrDefault("CONDENSER_TEST_DATABASE_USER",
                    "postgres"), System.getenv().getOrDefault("CONDENSER_TEST_DATABASE_PASSWORD", ""),
                    "external PostgreSQL from CONDENSER_TEST_DATABASE_URL");
            log.info("database: {}", connection.kind());
            return connection;
        }
        if (dataDirectory == null && DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            log.info("database: Testcontainers {}", POSTGRES_IMAGE);
            return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "Testcontainers " + POSTGRES_IMAGE);
        }
        return startEmbedded(dataDirectory);
    }

    private static Connection startEmbedded(Path dataDirectory) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    log.warn("stopping the embedded PostgreSQL failed", e);
                }
            }));
            String kind = "embedded PostgreSQL (zonky, no Docker here)"
                    + (dataDirectory == null ? "" : " with data in " + dataDirectory.toAbsolutePath());
            log.info("database: {}", kind);
            return new Connection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", kind);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded PostgreSQL", e);
        }
    }
}
