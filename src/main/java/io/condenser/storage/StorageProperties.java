package io.condenser.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * condenser.storage.*: where artifacts live.
 *
 * @param type filesystem (the default: files under {@code root}) or s3
 * @param root the filesystem store's directory
 * @param s3   the S3 store's bucket and connection; read only when {@code type} is s3
 */
@ConfigurationProperties("condenser.storage")
public record StorageProperties(@DefaultValue("filesystem") Type type, Path root, @DefaultValue S3Settings s3) {

    public enum Type { FILESYSTEM, S3 }

    public StorageProperties {
        if (type == Type.S3) {
            s3.requireUsable();
        }
    }

    /**
     * condenser.storage.s3.*; credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and
     * AWS_SECRET_ACCESS_KEY, a profile, or the instance's role).
     *
     * @param bucket             the bucket, which must exist
     * @param endpoint           the S3 API's URL for an S3-compatible store such as MinIO; empty for AWS
     * @param region             the bucket's region; empty for the SDK's default chain (AWS_REGION, a profile)
     * @param pathStyle          bucket in the path (http://host/bucket/key) instead of the host name; MinIO needs it
     * @param prefix             a folder in the bucket for every key, so that the bucket can be shared
     * @param presignedDownloads answer full content downloads with a redirect to a presigned URL of the object,
     *                           so that the bytes do not pass through this service
     * @param presignTtl         how long a presigned URL stays valid
     * @param partSize           the bytes of each part of a multipart upload, held in memory while it is sent
     */
    public record S3Settings(String bucket, URI endpoint, String region, boolean pathStyle,
                             @DefaultValue("") String prefix, boolean presignedDownloads,
                             @DefaultValue("15m") Duration presignTtl, @DefaultValue("16MB") DataSize partSize) {

        void requireUsable() {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("condenser.storage.type is s3 but no bucket is set: set"
                        + " condenser.storage.s3.bucket (CONDENSER_STORAGE_S3_BUCKET)");
            }
            long partBytes = partSize.toBytes();
            if (partBytes < S3ArtifactStore.MIN_PART_BYTES || partBytes > S3ArtifactStore.MAX_PART_BYTES) {
                throw new IllegalArgumentException("condenser.storage.s3.part-size must be between 5MB (the"
                        + " smallest part S3 accepts) and 512MB (held in memory while it is sent), not " + partSize);
            }
            if (presignTtl.isNegative() || presignTtl.isZero() || presignTtl.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("condenser.storage.s3.presign-ttl must be positive and at most"
                        + " 7 days (the longest S3 signs for), not " + presignTtl);
            }
        }
    }
}
