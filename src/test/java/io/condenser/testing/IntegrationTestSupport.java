package io.condenser.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests that run the whole service on a random port against the shared test PostgreSQL, with artifacts in a
 * temporary directory. The worker is off here so that tests decide when jobs run (see {@link TestWorkers}); all such
 * tests share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"condenser.worker.enabled=false", "condenser.upload.max-bytes=8MB"})
public abstract class IntegrationTestSupport {

    private static final Path STORAGE_ROOT;

    static {
        try {
            STORAGE_ROOT = Files.createTempDirectory("condenser-test-artifacts");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestPostgres.Connection database = TestPostgres.shared();
        registry.add("spring.datasource.url", database::url);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
        registry.add("condenser.storage.root", STORAGE_ROOT::toString);
    }

    protected static Path storageRoot() {
        return STORAGE_ROOT;
    }

    protected ApiClient api() {
        return new ApiClient("http://localhost:" + port);
    }
}
