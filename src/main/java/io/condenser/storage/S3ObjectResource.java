package io.condenser.storage;

import java.io.InputStream;
import org.springframework.core.io.AbstractResource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * An S3 object as a resource, with its length and date from a HEAD request already made: each stream is a GET of its
 * own that starts where the reader skips to (see {@link S3ObjectInputStream}).
 */
final class S3ObjectResource extends AbstractResource {

    private final S3Client s3;
    private final String bucket;
    private final String objectKey;
    private final HeadObjectResponse head;

    S3ObjectResource(S3Client s3, String bucket, String objectKey, HeadObjectResponse head) {
        this.s3 = s3;
        this.bucket = bucket;
        this.objectKey = objectKey;
        this.head = head;
    }

    @Override
    public InputStream getInputStream() {
        return new S3ObjectInputStream(s3, bucket, objectKey, head.eTag(), head.contentLength());
    }

    // The answers below come from the HEAD; AbstractResource would open a stream or look for a local file instead.

    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public long contentLength() {
        return head.contentLength();
    }

    @Override
    public long lastModified() {
        return head.lastModified().toEpochMilli();
    }

    @Override
    public String getDescription() {
        return "S3 object s3://" + bucket + "/" + objectKey;
    }
}
