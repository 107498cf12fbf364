package io.condenser.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Cuts a stream into the parts of an upload, one at a time into a single buffer that grows up to the part size (a
 * small upload never allocates a whole part), hashing and counting the bytes as they come. The part size doubles
 * every {@value #PARTS_PER_SIZE} parts, up to {@code maxPartBytes}: S3 takes at most 10,000 parts, and an upload whose
 * size is not known ahead still fits (about 2 TB from 5 MB parts, far more than a model).
 */
final class UploadParts {

    private static final int FIRST_BUFFER_BYTES = 64 * 1024;
    private static final int PARTS_PER_SIZE = 1000;

    private final InputStream content;
    private final long firstPartBytes;
    private final long maxPartBytes;
    private final long maxBytes;
    private final MessageDigest sha256 = Sha256.newDigest();
    private byte[] buffer;
    private int partBytes;
    private int parts;
    private int length;
    private long total;

    /** @throws ArtifactTooLargeException from {@link #next()} once more than {@code maxBytes} arrived */
    UploadParts(InputStream content, long firstPartBytes, long maxPartBytes, long maxBytes) {
        this.content = content;
        this.firstPartBytes = firstPartBytes;
        this.maxPartBytes = maxPartBytes;
        this.maxBytes = maxBytes;
        this.buffer = new byte[(int) Math.min(firstPartBytes, FIRST_BUFFER_BYTES)];
    }

    /**
     * Reads the next part into the buffer, replacing the one before.
     *
     * @return whether it holds any bytes; a part shorter than the part size is the last
     */
    boolean next() throws IOException {
        long size = firstPartBytes;
        for (int doubled = 0; doubled < parts / PARTS_PER_SIZE && size < maxPartBytes; doubled++) {
            size *= 2;
        }
        partBytes = (int) Math.min(size, maxPartBytes);
        parts++;
        length = 0;
        while (length < partBytes) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(partBytes, 2L * buffer.length));
            }
            int read = content.read(buffer, length, buffer.length - length);
            if (read < 0) {
                break;
            }
            total += read;
            if (total > maxBytes) {
                throw new ArtifactTooLargeException(maxBytes);
            }
            sha256.update(buffer, length, read);
            length += read;
        }
        return length > 0;
    }

    /** Whether the current part filled the buffer, so that more may follow. */
    boolean isFull() {
        return length == partBytes;
    }

    /** The current part as a request body; valid until {@link #next()}. The SDK may read it again to retry. */
    RequestBody body() {
        byte[] bytes = buffer;
        int count = length;
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, count), count,
                "application/octet-stream");
    }

    long total() {
        return total;
    }

    /** The hash of everything read so far; call once, at the end. */
    String sha256() {
        return Sha256.hex(sha256);
    }
}
