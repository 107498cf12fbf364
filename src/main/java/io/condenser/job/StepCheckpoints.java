package io.condenser.job;

import io.condenser.engine.train.CheckpointSink;
import io.condenser.engine.train.TrainingCheckpoint;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The checkpoints of one step of one claimed job: the latest an earlier attempt left (to resume from), and where the
 * training loop writes each epoch's, which goes to the artifact store once the loop closes it.
 */
public final class StepCheckpoints {

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

    /** The checkpoint of the last epoch an earlier attempt of this job finished in this step, if any. */
    public Optional<TrainingCheckpoint> latest() throws IOException {
        Optional<JobCheckpoints.Checkpoint> found = checkpoints.latest(claim.id(), stepIndex);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = checkpoints.open(found.get())) {
            return Optional.of(TrainingCheckpoint.read(in));
        }
    }

    /** Each epoch's checkpoint is written to a file of the job's work directory, then stored when the loop closes it. */
    public CheckpointSink sink() {
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
                        try (InputStream written = Files.newInputStream(file)) {
                            checkpoints.save(claim, stepIndex, epoch, written);
                        }
                    } finally {
                        Files.deleteIfExists(file);
                    }
                }
            };
        };
    }
}
