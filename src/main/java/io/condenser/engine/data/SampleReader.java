package io.condenser.engine.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.ZipException;

/** Reads a dataset's samples (and labels) in order, a batch at a time. */
public final class SampleReader implements AutoCloseable {

    private final InputStream samples;
    private final InputStream labels;
    private final long sampleCount;
    private final int sampleElements;
    private long read;
    private byte[] buffer = new byte[0];

    SampleReader(InputStream samples, InputStream labels, long sampleCount, int sampleElements) {
        this.samples = samples;
        this.labels = labels;
        this.sampleCount = sampleCount;
        this.sampleElements = sampleElements;
    }

    public int sampleElements() {
        return sampleElements;
    }

    public long remaining() {
        return sampleCount - read;
    }

    /**
     * Reads up to {@code max} samples into {@code x} (row-major) and their labels into {@code y} (when the dataset has
     * labels and {@code y} is not null).
     *
     * @return how many samples were read; 0 once every sample was read
     * @throws InvalidDatasetException when the stored data ends early or goes on after the last sample
     */
    public int read(float[] x, long[] y, int max) throws IOException {
        int count = (int) Math.min(max, remaining());
        if (count == 0) {
            return 0;
        }
        readFully(samples, (long) count * sampleElements * Float.BYTES, "x");
        ByteBuffer.wrap(buffer, 0, count * sampleElements * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(x, 0, count * sampleElements);
        if (labels != null) {
            readFully(labels, (long) count * Long.BYTES, "y");
            if (y != null) {
                ByteBuffer.wrap(buffer, 0, count * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
                        .get(y, 0, count);
            }
        }
        read += count;
        if (remaining() == 0) {
            checkEnd(samples, "x");
            if (labels != null) {
                checkEnd(labels, "y");
            }
        }
        return count;
    }

    private void readFully(InputStream in, long bytes, String what) throws IOException {
        if (buffer.length < bytes) {
            buffer = new byte[Math.toIntExact(bytes)];
        }
        int got;
        try {
            got = in.readNBytes(buffer, 0, (int) bytes);
        } catch (ZipException | EOFException e) {
            // A deflate stream that ends early is an EOFException, not a ZipException.
            throw new InvalidDatasetException(what + " is corrupt in the archive: " + e.getMessage());
        }
        if (got < bytes) {
            throw new InvalidDatasetException(what + " ends before its last sample (truncated); its header declares "
                    + sampleCount + " samples");
        }
    }

    private static void checkEnd(InputStream in, String what) throws IOException {
        if (in.read() != -1) {
            throw new InvalidDatasetException(what + " has data after its last sample");
        }
    }

    @Override
    public void close() throws IOException {
        try (samples; InputStream l = labels) {
            // try-with-resources closes both streams, the second even when closing the first fails
        }
    }
}
