package io.condenser.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile, without a Docker engine: linted by dockerlinter (its RUN instructions by ShellCheck), and read for
 * what the service needs at run time.
 */
class DockerfileTest {

    private static final Path ROOT = ExternalTools.projectRoot();

    @TempDir
    Path dir;

    @Test
    void passesDockerlinterAndShellcheckAtEveryLevel() throws IOException {
        ExternalTools.Result result = lint(ROOT.resolve("Dockerfile"));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout().strip()).as(result.describe()).isIn("", "[]");
    }

    @Test
    void theLinterReportsProblemsInRunInstructionsToo() throws IOException {
        // Without shellcheck, dockerlinter prints a stack trace per RUN and goes on: this proves both run.
        Path bad = Files.writeString(dir.resolve("Dockerfile.bad"), """
                FROM debian:12
                RUN cd /tmp && echo $UNQUOTED
                CMD ["true"]
                """);
        ExternalTools.Result result = lint(bad);
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.stdout()).contains("SC2086").contains("ER0003");
    }

    @Test
    void buildsTheLayeredJarWithoutTestsAndRunsItAsNonRootWithTheEngineFlags() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        List<String> stages = stages(dockerfile);
        assertThat(stages).contains("sources", "build-cpu", "build-gpu", "libtorch", "base-cpu", "base-gpu");

        String sources = stage(dockerfile, "sources");
        assertThat(sources.indexOf("dependency:go-offline")).as("dependencies resolve before sources are copied")
                .isLessThan(sources.indexOf("COPY src/main"));
        for (String build : List.of("build-cpu", "build-gpu")) {
            assertThat(stage(dockerfile, build)).contains("-Dmaven.test.skip=true")
                    .contains("-Djarmode=tools").contains("extract --layers --launcher");
        }
        assertThat(stage(dockerfile, "build-gpu")).contains("--activate-profiles gpu");
        assertThat(Files.readString(ROOT.resolve("pom.xml")))
                .as("the gpu profile the GPU build activates swaps in ONNX Runtime's CUDA build")
                .containsPattern("<id>gpu</id>\\s*<properties>\\s*<onnxruntime.artifact>onnxruntime_gpu<");

        assertThat(stage(dockerfile, "base-gpu")).contains("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib")
                .contains("PYTORCH_FLAVOR=cu128").contains("PYTORCH_VERSION=2.7.1")
                .contains("COPY --from=libtorch /opt/libtorch/lib");
        assertThat(dockerfile).containsPattern("ARG CUDA_IMAGE=nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-");

        String runtime = finalStage(dockerfile);
        assertThat(runtime).containsPattern("(?m)^USER 10001:10001$")
                .containsPattern("(?m)^HEALTHCHECK .*\\n.*/actuator/health/liveness")
                .contains("DJL_CACHE_DIR=/var/cache/condenser/djl")
                .contains("CONDENSER_STORAGE_ROOT=/var/lib/condenser/artifacts");
        for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
            assertThat(runtime).contains("COPY --from=application /build/layers/" + layer + "/ ./");
        }
        assertThat(runtime).contains("\"--enable-native-access=ALL-UNNAMED\"").contains("\"-Dai.djl.offline=true\"")
                .contains("\"org.springframework.boot.loader.launch.JarLauncher\"");
        assertThat(Files.readAllLines(ROOT.resolve(".dockerignore")))
                .as("the build context holds what the build copies").contains("*", "!mvnw", "!pom.xml",
                        "!openapi.yaml", "!src/main/", "!.mvn/wrapper/maven-wrapper.properties");
    }

    private ExternalTools.Result lint(Path dockerfile) {
        Path linter = ExternalTools.require("dockerlinter", "npm install --global --ignore-scripts dockerlinter");
        ExternalTools.require("shellcheck", "apt-get install shellcheck");
        // dockerlinter writes ShellCheck's input next to its working directory: give it the temporary one.
        return ExternalTools.run(dir, Map.of(), Duration.ofSeconds(60),
                List.of(linter.toString(), "--file", dockerfile.toString(), "--error", "info", "--json"));
    }

    private static List<String> stages(String dockerfile) {
        List<String> names = new ArrayList<>();
        Matcher from = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$").matcher(dockerfile);
        while (from.find()) {
            names.add(from.group(1));
        }
        return names;
    }

    /** The instructions of the named stage, up to the next FROM. */
    private static String stage(String dockerfile, String name) {
        Matcher from = Pattern.compile("(?m)^FROM \\S+ AS " + Pattern.quote(name) + "$").matcher(dockerfile);
        assertThat(from.find()).as("stage " + name).isTrue();
        int next = dockerfile.indexOf("\nFROM ", from.end());
        return dockerfile.substring(from.end(), next < 0 ? dockerfile.length() : next);
    }

    private static String finalStage(String dockerfile) {
        return dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
    }
}
