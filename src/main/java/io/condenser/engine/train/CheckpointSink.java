package io.condenser.engine.train;

import java.io.IOException;
import java.io.OutputStream;

/** Where the checkpoint after each epoch goes; the loop writes the stream and closes it. */
@FunctionalInterface
public interface CheckpointSink {

    /** @param epoch the 1-based epoch the checkpoint follows */
    OutputStream open(int epoch) throws IOException;
}
