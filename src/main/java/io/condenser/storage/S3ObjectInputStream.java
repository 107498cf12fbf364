package io.condenser.storage;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An object's bytes from a given position on. The GET is sent at the first read, so that skipping first (as Spring's
 * byte-range responses do) becomes a ranged GET instead of reading and dropping the bytes before the range; and a
 * stream closed before its end aborts the connection instead of draining the rest of the object.
 */
final class S3ObjectInputStream extends InputStream {

    private final S3Client s3;
    private final String bucket;
    private final String objectKey;
    private final String etag;
    private final long length;
    private long position;
    private ResponseInputStream<GetObjectResponse> body;

    /** @param etag the object's S3 ETag from the HEAD: the GET fails rather than return bytes of a newer object */
    S3ObjectInputStream(S3Client s3, String bucket, String objectKey, String etag, long length) {
        this.s3 = s3;
        this.bucket = bucket;
        this.objectKey = objectKey;
        this.etag = etag;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        if (!open()) {
            return -1;
        }
        int read = body.read();
        if (read >= 0) {
            position++;
        }
        return read;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        if (!open()) {
            return -1;
        }
        int read = body.read(buffer, offset, count);
        if (read > 0) {
            position += read;
        }
        return read;
    }

    @Override
    public long skip(long count) throws IOException {
        if (body != null) {
            long skipped = body.skip(count);
            position += skipped;
            return skipped;
        }
        long skipped = Math.max(0, Math.min(count, length - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return body == null ? 0 : body.available();
    }

    @Override
    public void close() throws IOException {
        if (body != null) {
            if (position < length) {
                body.abort();
            }
            body.close();
        }
    }

    /** Sends the GET from the current position if not sent yet; false at the end of the object. */
    private boolean open() throws IOException {
        if (body != null) {
            return true;
        }
        if (position >= length) {
            return false;
        }
        long from = position;
        try {
            body = s3.getObject(request -> request.bucket(bucket).key(objectKey).ifMatch(etag)
                    .range(from > 0 ? "bytes=" + from + "-" : null));
            return true;
        } catch (SdkException e) {
            throw new IOException("S3 GET of " + objectKey + " failed: " + e.getMessage(), e);
        }
    }
}
