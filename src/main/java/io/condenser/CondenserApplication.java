package io.condenser;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class CondenserApplication {
    public static void main(String[] args) {
        SpringApplication.run(CondenserApplication.class, args);
    }
}
