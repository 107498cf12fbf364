package io.condenser.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Command-line tools that tests run (docker-compose, dockerlinter, chromium). A missing tool fails the test with the
 * command that installs it: these tests never skip.
 */
public final class ExternalTools {

    private ExternalTools() {
    }

    /** The executable named {@code command} on PATH, or a failed test saying how to install it. */
    public static Path require(String command, String howToInstall) {
        return find(command).orElseGet(() -> fail(
                "'" + command + "' is not on PATH; install it with: " + howToInstall + " (.ci/run does this)"));
    }

    /** An executable at a fixed path, or a failed test saying how to install it. */
    public static Path requireAt(Path executable, String howToInstall) {
        if (!Files.isExecutable(executable)) {
            fail(executable + " is missing; install it with: " + howToInstall + " (.ci/run does this)");
        }
        return executable;
    }

    private static Optional<Path> find(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** What a finished command printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** Both streams, for assertion messages. */
        public String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /**
     * Runs a command in {@code workDir} with exactly the given environment plus PATH and HOME (so that nothing from the
     * developer's shell changes the outcome), failing the test if it runs longer than {@code timeout}.
     */
    public static Result run(Path workDir, Map<String, String> environment, Duration timeout, List<String> command) {
        try {
            Path stdout = Files.createTempFile("condenser-tool", ".out");
            Path stderr = Files.createTempFile("condenser-tool", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
                Map<String, String> env = builder.environment();
                String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
                String home = env.getOrDefault("HOME", System.getProperty("user.home"));
                env.clear();
                env.put("PATH", path);
                env.put("HOME", home);
                env.putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " ran longer than " + timeout);
                }
                return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                        Files.readString(stderr, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The project's root directory (tests run with it as the working directory, as Maven starts them). */
    public static Path projectRoot() {
        Path root = Path.of("").toAbsolutePath();
        if (!Files.exists(root.resolve("pom.xml"))) {
            fail("tests must run from the project root; the working directory is " + root);
        }
        return root;
    }
}
