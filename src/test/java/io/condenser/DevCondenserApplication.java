package io.condenser;

import io.condenser.testing.TestPostgres;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;

/**
 * `./mvnw spring-boot:test-run`: the service with an embedded PostgreSQL (or Testcontainers' when Docker runs) and
 * artifacts under .condenser/dev, kept between runs. The production jar carries no embedded database.
 */
public final class DevCondenserApplication {

    private DevCondenserApplication() {
    }

    public static void main(String[] args) {
        Path home = Path.of(".condenser", "dev");
        TestPostgres.Connection database = TestPostgres.start(home.resolve("postgres"));
        System.setProperty("spring.datasource.url", database.url());
        System.setProperty("spring.datasource.username", database.username());
        System.setProperty("spring.datasource.password", database.password());
        System.setProperty("condenser.storage.root", home.resolve("artifacts").toAbsolutePath().toString());
        SpringApplication.from(CondenserApplication::main).run(args);
    }
}
