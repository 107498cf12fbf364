package io.condenser;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Condenser service: the HTTP API and, unless configured off, a worker, in one process. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CondenserApplication {
    public static void main(String[] args) {
        SpringApplication.run(CondenserApplication.class, args);
    }
}
