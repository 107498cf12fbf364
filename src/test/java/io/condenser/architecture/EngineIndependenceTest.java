package io.condenser.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The compression engine is a library the service calls and the benchmarks run directly: it may use the JDK, the ONNX
 * protobuf classes, DJL and ONNX Runtime, and nothing of Spring, JPA, servlets or the service's own packages.
 */
class EngineIndependenceTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.condenser");

    @Test
    void theEngineDependsOnlyOnTheJdkAndTheMachineLearningLibraries() {
        classes().that().resideInAPackage("io.condenser.engine..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "java..", "io.condenser.engine..", "ai.onnx.proto..", "com.google.protobuf..",
                        "ai.djl..", "ai.onnxruntime..", "org.slf4j..")
                .because("the engine must run without Spring, a database or HTTP")
                .check(PRODUCTION);
    }

    @Test
    void theRuleSeesTheEngine() {
        org.assertj.core.api.Assertions.assertThat(PRODUCTION.stream()
                .filter(c -> c.getPackageName().startsWith("io.condenser.engine"))).hasSizeGreaterThan(10);
    }
}
