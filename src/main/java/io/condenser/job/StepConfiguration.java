package io.condenser.job;

import io.condenser.engine.quantize.TernaryOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Methods that are one class configured several ways, each registered as its own step definition. */
@Configuration
class StepConfiguration {

    @Bean
    StepDefinition ternaryQuantizationStep() {
        return new ExtremeBitWidthStep(TernaryOptions.Levels.TERNARY);
    }

    @Bean
    StepDefinition binaryQuantizationStep() {
        return new ExtremeBitWidthStep(TernaryOptions.Levels.BINARY);
    }
}
