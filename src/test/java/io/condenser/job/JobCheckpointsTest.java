package io.condenser.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.condenser.engine.TaskEvents;
import io.condenser.storage.ArtifactStore;
import io.condenser.testing.IntegrationTestSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/** Checkpoint rows and objects against a real PostgreSQL and artifact store, with workers that lose their lease. */
class JobCheckpointsTest extends IntegrationTestSupport {

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Set<Device> CPU = Set.of(Device.CPU);

    @Autowired
    JobQueue queue;

    @Autowired
    JobCheckpoints checkpoints;

    @Autowired
    ArtifactStore store;

    @TempDir
    Path workDir;

    @BeforeEach
    void emptyQueue() {
        jdbc.sql("DELETE FROM jobs").update();
    }

    @Test
    void aSaveByAClaimThatLostItsLeaseLeavesTheCurrentCheckpointReadable() throws IOException {
        UUID id = insertJob();
        ClaimedJob dead = queue.claim("dead", CPU, Device.CPU, Duration.ofMillis(1)).orElseThrow();
        checkpoints.save(dead, 0, 1, bytes("epoch 1"));
        sleep(20);
        assertThat(queue.reapExpiredLeases("{}")).isEqualTo(1);
        ClaimedJob alive = queue.claim("alive", CPU, Device.CPU, LEASE).orElseThrow();

        // The successor resumes from the dead worker's epoch 1 and has not saved yet; the dead worker goes on.
        assertThatThrownBy(() -> checkpoints.save(dead, 0, 2, bytes("epoch 2")))
                .isInstanceOf(LeaseLostException.class);

        JobCheckpoints.Checkpoint latest = checkpoints.latest(id, 0).orElseThrow();
        assertThat(latest.epoch()).isEqualTo(1);
        assertThat(read(latest)).isEqualTo("epoch 1");

        checkpoints.save(alive, 0, 2, bytes("epoch 2 of the successor"));
        JobCheckpoints.Checkpoint replaced = checkpoints.latest(id, 0).orElseThrow();
        assertThat(read(replaced)).isEqualTo("epoch 2 of the successor");
        assertThat(replaced.storageKey()).isNotEqualTo(latest.storageKey());
        assertThatThrownBy(() -> store.read(latest.storageKey()).getInputStream()).as("the replaced object is removed")
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aCheckpointWhoseObjectIsGoneCountsAsNoneWithAWarning() throws IOException {
        UUID id = insertJob();
        ClaimedJob claim = queue.claim("w", CPU, Device.CPU, LEASE).orElseThrow();
        checkpoints.save(claim, 0, 3, bytes("epoch 3"));
        store.delete(checkpoints.latest(id, 0).orElseThrow().storageKey());
        RecordingEvents events = new RecordingEvents();

        assertThat(new StepCheckpoints(checkpoints, claim, 0, workDir).latest(events)).isEmpty();
        assertThat(events.warnings).singleElement().asString().contains("epoch 3", "missing", "starts over");
    }

    @Test
    void aCheckpointTheStoreRefusesIsAWarningAndALostLeaseEndsTheRun() throws IOException {
        ClaimedJob claim = new ClaimedJob(UUID.randomUUID(), "token", 1, "cpu");
        JobCheckpoints failing = new JobCheckpoints(jdbc, store, null, null) {
            @Override
            public void save(ClaimedJob claimed, int stepIndex, int epoch, InputStream content) throws IOException {
                if (epoch == 1) {
                    throw new IOException("the store is unreachable");
                }
                throw new LeaseLostException("the job's lease moved on");
            }
        };
        RecordingEvents events = new RecordingEvents();
        StepCheckpoints stepCheckpoints = new StepCheckpoints(failing, claim, 0, workDir);

        try (OutputStream out = stepCheckpoints.sink(events).open(1)) {
            out.write(1);
        }
        assertThat(events.warnings).singleElement().asString().contains("epoch 1", "the store is unreachable");
        assertThatThrownBy(() -> {
            try (OutputStream out = stepCheckpoints.sink(events).open(2)) {
                out.write(2);
            }
        }).isInstanceOf(LeaseLostException.class);
        assertThat(workDir).isEmptyDirectory();
    }

    private static final class RecordingEvents implements TaskEvents {
        final List<String> warnings = new ArrayList<>();

        @Override
        public void record(String type, Map<String, ?> data) {
        }

        @Override
        public void info(String message) {
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }
    }

    private String read(JobCheckpoints.Checkpoint checkpoint) throws IOException {
        try (InputStream in = checkpoints.open(checkpoint)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private UUID insertJob() {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO jobs (id, tenant_id, status, device, spec, max_attempts, created_at, updated_at)
                        VALUES (?, (SELECT id FROM tenants WHERE name = 'default'), 'QUEUED', 'auto', '{}'::jsonb, 3,
                                clock_timestamp(), clock_timestamp())""")
                .params(id).update();
        return id;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
