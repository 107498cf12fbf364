package io.condenser;

import io.condenser.testing.TestPostgres;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;

/**
 * `./mvnw spring-boot:test-run`: the service with an embedded PostgreSQL (or Testcontainers' when Docker runs) and
 * artifacts under .condenser/dev, kept between runs. The production jar carries no embedded database and no key.
 */
public final class DevCondenserApplication {

    /**
     * The development admin key, fixed so that it stays valid across restarts of the kept database, in README examples
     * and in Swagger UI's "Authorize". Only this development mode knows it: production has no default key.
     */
    static final String DEVELOPMENT_KEY = "cnd_dev_only_not_a_secret_000000000000000000000";

    private DevCondenserApplication() {
    }

    public static void main(String[] args) {
        Path home = Path.of(".condenser", "dev");
        TestPostgres.Connection database = TestPostgres.start(home.resolve("postgres"));
        System.setProperty("spring.datasource.url", database.url());
        System.setProperty("spring.datasource.username", database.username());
        System.setProperty("spring.datasource.password", database.password());
        System.setProperty("condenser.storage.root", home.resolve("artifacts").toAbsolutePath().toString());
        boolean ownKey = System.getenv("CONDENSER_SECURITY_ADMINKEY") != null;
        if (!ownKey) {
            System.setProperty("condenser.security.admin-key", DEVELOPMENT_KEY);
        }
        String port = SpringApplication.from(CondenserApplication::main).run(args).getApplicationContext()
                .getEnvironment().getProperty("local.server.port");
        System.out.println(ownKey ? "Development mode: API key from CONDENSER_SECURITY_ADMINKEY"
                : "Development mode: API key (admin of the default tenant, development only): " + DEVELOPMENT_KEY
                + "\n  curl -H 'Authorization: Bearer " + DEVELOPMENT_KEY + "' localhost:" + port + "/v1/models"
                + "\n  Swagger UI: http://localhost:" + port + "/swagger-ui.html -> Authorize");
    }
}
