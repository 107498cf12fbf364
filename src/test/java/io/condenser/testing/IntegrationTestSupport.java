package io.condenser.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests that run the whole service on a random port against the shared test PostgreSQL, with artifacts in a
 * temporary directory. The worker and the webhook dispatcher are off here so that tests decide when jobs run and
 * webhooks are sent (see {@link TestWorkers}, {@link TestWebhooks}); all such tests share one application context.
 * Requests go out with the configured admin key of the default tenant (every scope) unless a test asks for another
 * tenant's key or none.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"condenser.worker.enabled=false", "condenser.webhooks.dispatcher-enabled=false",
                "condenser.upload.max-bytes=8MB", "condenser.security.admin-key=" + IntegrationTestSupport.ADMIN_KEY})
public abstract class IntegrationTestSupport {

    /** The admin key the test service is configured with: the default tenant's, with every scope. */
    protected static final String ADMIN_KEY = "cnd_test_admin_key_of_the_default_tenant_0123456789";

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

    /** A client that calls as the default tenant with every scope. */
    protected ApiClient api() {
        return new ApiClient("http://localhost:" + port, ADMIN_KEY);
    }

    /** A tenant made for a test, with the secret of a key that has the given scopes. */
    protected record TestTenant(String id, String key) {
    }

    /**
     * Creates a tenant with a key.
     *
     * @param quotas the tenant's own quotas (maxStoredBytes, maxConcurrentJobs, requestsPerMinute); empty for the
     *               defaults
     * @param scopes the key's scopes; read and write when none are given
     */
    protected TestTenant newTenant(Map<String, Object> quotas, String... scopes) {
        Map<String, Object> creation = new HashMap<>(quotas);
        creation.put("name", "t-" + UUID.randomUUID());
        ApiClient.Response tenant = api().postJson("/v1/tenants", creation);
        assertThat(tenant.status()).as(tenant.text()).isEqualTo(201);
        String id = tenant.json().get("id").asString();
        return new TestTenant(id, newKey(id, scopes.length == 0 ? new String[] {"read", "write"} : scopes));
    }

    /** Creates a key of the tenant with the given scopes; returns its secret. */
    protected String newKey(String tenantId, String... scopes) {
        ApiClient.Response key = api().postJson("/v1/tenants/" + tenantId + "/keys",
                Map.of("name", "test key", "scopes", List.of(scopes)));
        assertThat(key.status()).as(key.text()).isEqualTo(201);
        return key.json().get("secret").asString();
    }

    /**
     * Asserts that an upload is refused with a problem detail and leaves no trace: no new row, no partial file, no
     * stored file without its row.
     *
     * @param kind the table and the storage folder of the resource ("models", "datasets")
     */
    protected ApiClient.Response assertUploadRefusedWithoutTrace(Supplier<ApiClient.Response> upload, int status,
                                                                 String type, String kind) throws IOException {
        long rowsBefore = jdbc.sql("SELECT count(*) FROM " + kind).query(Long.class).single();
        ApiClient.Response response = upload.get();
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).endsWith("/" + type);
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(filesIn(storageRoot().resolve(".partial"))).isEmpty();
        assertThat(filesIn(storageRoot().resolve("uploads"))).isEmpty();
        Set<String> rows = new HashSet<>(jdbc.sql("SELECT id::text FROM " + kind).query(String.class).list());
        assertThat(filesIn(storageRoot().resolve(kind))).allMatch(rows::contains);
        assertThat(jdbc.sql("SELECT count(*) FROM " + kind).query(Long.class).single()).isEqualTo(rowsBefore);
        return response;
    }

    private static List<String> filesIn(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
