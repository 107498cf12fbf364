package io.condenser.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime 1.29.0 kills the JVM with SIGSEGV when it creates a session in a process whose command line is longer
 * than about 4 KB, which is what `java -cp <class path>` launchers (spring-boot:test-run, exec) produce. This runs a
 * model in a child JVM with an 8 KB command line, so that upgrading to a runtime with that fault fails here.
 */
class OnnxRuntimeCommandLineTest {

    @TempDir
    Path dir;

    @Test
    void aSessionCanBeCreatedInAProcessWithALongCommandLine() throws Exception {
        Path model = TestModels.write(TestModels.mlp(8, 4, 2, 1), dir.resolve("m.onnx"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(), model.toString(),
                "x".repeat(8192)))
                .redirectErrorStream(true).start();
        boolean finished = child.waitFor(120, TimeUnit.SECONDS);
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(finished).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("outputs: 1");
    }

    /** The child process: loads and runs the model once. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            try (OnnxRuntimeModel model = OnnxRuntimeModel.load(Path.of(args[0]), RuntimeSettings.cpu(1))) {
                var inputs = SyntheticInputs.of(io.condenser.engine.onnx.OnnxModelFiles.read(Path.of(args[0])))
                        .batch(1, java.util.Map.of(), 1);
                System.out.println("outputs: " + model.run(inputs).size());
            }
        }
    }
}
