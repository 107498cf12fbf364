package io.condenser.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Worker-only Condenser processes on the tests' database and store, for tests that kill one the way an operating
 * system does (SIGKILL: no shutdown hook, no lease handed back).
 */
public final class WorkerProcesses {

    private WorkerProcesses() {
    }

    /** @param workDir where the process's log ({@code worker.log}) and job files go */
    public static Process start(Path workDir, Path storageRoot) throws IOException {
        TestPostgres.Connection database = TestPostgres.shared();
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path log = Files.createFile(workDir.resolve("worker.log"));
        return new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.condenser.CondenserApplication",
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--condenser.storage.root=" + storageRoot,
                "--condenser.api.enabled=false",
                "--server.port=0",
                "--condenser.worker.lease=2s",
                "--condenser.worker.heartbeat=500ms",
                "--condenser.worker.work-dir=" + workDir.resolve("work")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
