package io.condenser.job;

import io.condenser.engine.TaskEvents;
import io.condenser.engine.train.CheckpointSink;
import io.condenser.engine.train.TrainingCheckpoint;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one step of one claimed job: the latest an earlier attempt left (to resume from), and where the
 * training loop writes each epoch's, which goes to the artifact store once the loop closes it.
 */
public final class StepCheckpoints {

    private static final Logger log = LoggerFactory.getLogger(StepCheckpoints.class);

    private final JobCheckpoints checkpoints;
    private final ClaimedJob claim;
    private final int stepIndex;
    private final Path workDir;

    StepCheckpoints(JobCheckpoints checkpoints, ClaimedJob claim, int stepIndex, Path workDir) {
        this.checkpoints = checkpoints;
        this.claim = claim;
        this.stepIndex = stepIndex;
        this.workDir = workDir;
    }

    /**
     * The checkpoint of the last epoch an earlier attempt of this job finished in this step, if any. A row whose object
     * is gone (removed by hand, or lost by the store) counts as none, with a warning: training starts over.
     */
    public Optional<TrainingCheckpoint> latest(TaskEvents events) throws IOException {
        Optional<JobCheckpoints.Checkpoint> found = checkpoints.latest(claim.id(), stepIndex);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = checkpoints.open(found.get())) {
            return Optional.of(TrainingCheckpoint.read(in));
        } catch (NoSuchFileException e) {
            log.warn("Job {} step {}: the checkpoint of epoch {} is missing from the store ({})", claim.id(),
                    stepIndex, found.get().epoch(), found.get().storageKey());
            events.warning("the checkpoint of epoch " + found.get().epoch() + " an earlier attempt left is missing"
                    + " from the artifact store; training starts over");
            return Optional.empty();
        }
    }

    /**
     * Each epoch's checkpoint is written to a file of the job's work directory, then stored when the loop closes it.
     * A checkpoint that cannot be stored is a warning, not the end of the run: the training goes on, and the next
     * epoch's checkpoint may be stored again. Only a lost lease ends it.
     */
    public CheckpointSink sink(TaskEvents events) {
        return epoch -> {
            Path file = Files.createTempFile(workDir, "checkpoint-", ".bin");
            return new FilterOutputStream(new BufferedOutputStream(Files.newOutputStream(file))) {
                private boolean closed;

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    out.write(bytes, offset, length);
                }

                @Override
                public void close() throws IOException {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try {
                        super.close();
                        store(epoch, file, events);
                    } finally {
                        Files.deleteIfExists(file);
                    }
                }
            };
        };
    }

    private void store(int epoch, Path file, TaskEvents events) {
        try (InputStream written = Files.newInputStream(file)) {
            checkpoints.save(claim, stepIndex, epoch, written);
        } catch (LeaseLostException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            log.warn("Job {} step {}: the checkpoint of epoch {} could not be stored; training goes on", claim.id(),
                    stepIndex, epoch, e);
            events.warning("the checkpoint of epoch " + epoch + " could not be stored (" + e.getMessage()
                    + "); training goes on, and a restarted attempt resumes from an earlier checkpoint or the start");
        }
    }
}
