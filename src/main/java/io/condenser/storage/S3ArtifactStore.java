package io.condenser.storage;

import io.condenser.support.LocalFolders;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Objects in an S3 bucket (AWS, or an S3-compatible store such as MinIO) under an optional key prefix. A write streams
 * through the hash into a multipart upload, one part in memory at a time, and completes it only once every byte
 * arrived: until then nothing is visible under the key, and a write that fails aborts its upload. Small writes are a
 * single PUT, which S3 makes visible whole or not at all.
 */
public final class S3ArtifactStore implements ArtifactStore, AutoCloseable {

    /** The smallest part S3 accepts (except the last one). */
    static final long MIN_PART_BYTES = 5L << 20;
    /** The largest part held in memory while it is sent. */
    static final long MAX_PART_BYTES = 512L << 20;
    /** S3's most parts in one upload. */
    private static final int MAX_PARTS = 10_000;
    /** The largest object one CopyObject request copies; larger ones are copied part by part. */
    private static final long MAX_SINGLE_COPY_BYTES = 5L << 30;
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;

    private static final Logger log = LoggerFactory.getLogger(S3ArtifactStore.class);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final StorageProperties.S3Settings settings;
    private final String prefix;
    private final Path localCopies;
    private final long maxSingleCopyBytes;

    /**
     * @param s3          closed with this store
     * @param presigner   closed with this store; used only when the settings ask for presigned downloads
     * @param localCopies the folder that local copies are downloaded into
     */
    public S3ArtifactStore(S3Client s3, S3Presigner presigner, StorageProperties.S3Settings settings,
                           Path localCopies) {
        this(s3, presigner, settings, localCopies, MAX_SINGLE_COPY_BYTES);
    }

    /** @param maxSingleCopyBytes lower than S3's limit in tests, so that part-by-part copies can be seen at work */
    S3ArtifactStore(S3Client s3, S3Presigner presigner, StorageProperties.S3Settings settings, Path localCopies,
                    long maxSingleCopyBytes) {
        settings.requireUsable();
        this.s3 = s3;
        this.presigner = presigner;
        this.settings = settings;
        String folder = settings.prefix().replaceAll("^/+|/+$", "");
        this.prefix = folder.isEmpty() ? "" : ArtifactKeys.check(folder) + "/";
        this.localCopies = localCopies;
        this.maxSingleCopyBytes = maxSingleCopyBytes;
    }

    @Override
    public StoredArtifact write(String key, InputStream content, long maxBytes) throws IOException {
        String objectKey = objectKey(key);
        UploadParts parts = new UploadParts(content, settings.partSize().toBytes(), MAX_PART_BYTES, maxBytes);
        parts.next();
        if (parts.isFull()) {
            uploadInParts(key, objectKey, parts);
        } else {
            RequestBody whole = parts.body();
            call("PUT", key, () -> s3.putObject(request -> request.bucket(settings.bucket()).key(objectKey), whole));
        }
        return new StoredArtifact(key, parts.total(), parts.sha256());
    }

    @Override
    public StoredArtifact writeFile(String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return write(key, in, Long.MAX_VALUE);
        }
    }

    private void uploadInParts(String key, String objectKey, UploadParts parts) throws IOException {
        String uploadId = call("multipart upload", key, () -> s3.createMultipartUpload(request -> request
                .bucket(settings.bucket()).key(objectKey).checksumAlgorithm(ChecksumAlgorithm.CRC32))).uploadId();
        try {
            List<CompletedPart> completed = new ArrayList<>();
            do {
                int number = completed.size() + 1;
                RequestBody part = parts.body();
                UploadPartResponse uploaded = call("part upload", key, () -> s3.uploadPart(request -> request
                        .bucket(settings.bucket()).key(objectKey).uploadId(uploadId).partNumber(number)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32), part));
                completed.add(CompletedPart.builder().partNumber(number).eTag(uploaded.eTag())
                        .checksumCRC32(uploaded.checksumCRC32()).build());
            } while (parts.isFull() && parts.next());
            call("multipart upload", key, () -> s3.completeMultipartUpload(request -> request
                    .bucket(settings.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(completed))));
        } catch (Throwable e) {
            abort(key, objectKey, uploadId, e);
            throw e;
        }
    }

    @Override
    public Resource read(String key) throws IOException {
        String objectKey = objectKey(key);
        return new S3ObjectResource(s3, settings.bucket(), objectKey, head(key, objectKey));
    }

    @Override
    public Optional<URI> directDownload(String key, String contentDisposition) {
        if (!settings.presignedDownloads()) {
            return Optional.empty();
        }
        String objectKey = objectKey(key);
        try {
            return Optional.of(presigner.presignGetObject(presign -> presign.signatureDuration(settings.presignTtl())
                    .getObjectRequest(request -> request.bucket(settings.bucket()).key(objectKey)
                            .responseContentType("application/octet-stream")
                            .responseContentDisposition(contentDisposition))).url().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned a URL that is not a URI", e);
        }
    }

    /** Downloads the object and its siblings into a folder of their own, removed when the copy is closed. */
    @Override
    public LocalCopy localCopy(String key, Collection<String> siblingNames) throws IOException {
        List<String> siblingKeys = siblingNames.stream().map(name -> ArtifactKeys.sibling(key, name)).toList();
        Path folder = Files.createTempDirectory(Files.createDirectories(localCopies), "copy-");
        try {
            Path file = download(key, folder);
            for (String siblingKey : siblingKeys) {
                download(siblingKey, folder);
            }
            return new LocalCopy() {
                @Override
                public Path path() {
                    return file;
                }

                @Override
                public void close() throws IOException {
                    LocalFolders.deleteRecursively(folder);
                }
            };
        } catch (Throwable e) {
            LocalFolders.deleteRecursively(folder);
            throw e;
        }
    }

    private Path download(String key, Path folder) throws IOException {
        Path file = folder.resolve(key.substring(key.lastIndexOf('/') + 1));
        String objectKey = objectKey(key);
        call("GET", key, () -> s3.getObject(request -> request.bucket(settings.bucket()).key(objectKey),
                ResponseTransformer.toFile(file)));
        return file;
    }

    /**
     * A server-side copy, then the source's deletion. The target is checked first and the copy asks S3 not to
     * replace an existing object (If-None-Match), which closes the gap between the two where the store honours it.
     * Once the copy is there the move has happened: a failed deletion of the source only leaves a stray object
     * (logged), rather than failing the move and leaving the caller's new key unrecorded.
     */
    @Override
    public void move(String fromKey, String toKey) throws IOException {
        String source = objectKey(fromKey);
        String target = objectKey(toKey);
        if (exists(toKey, target)) {
            throw new FileAlreadyExistsException(toKey);
        }
        long size = head(fromKey, source).contentLength();
        try {
            if (size <= maxSingleCopyBytes) {
                call("copy", fromKey, () -> s3.copyObject(request -> request.sourceBucket(settings.bucket())
                        .sourceKey(source).destinationBucket(settings.bucket()).destinationKey(target)
                        .ifNoneMatch("*")));
            } else {
                copyInParts(fromKey, source, target, size);
            }
        } catch (IOException e) {
            if (e.getCause() instanceof S3Exception s3Error && s3Error.statusCode() == PRECONDITION_FAILED) {
                throw new FileAlreadyExistsException(toKey);
            }
            throw e;
        }
        try {
            delete(fromKey);
        } catch (IOException e) {
            log.warn("{} was moved to {}, but deleting {} failed; it stays in the bucket until removed: {}", fromKey,
                    toKey, fromKey, e.getMessage());
        }
    }

    private void copyInParts(String key, String source, String target, long size) throws IOException {
        long partBytes = Math.max(settings.partSize().toBytes(), Math.ceilDiv(size, MAX_PARTS));
        String uploadId = call("multipart copy", key, () -> s3.createMultipartUpload(request -> request
                .bucket(settings.bucket()).key(target))).uploadId();
        try {
            List<CompletedPart> completed = new ArrayList<>();
            for (long start = 0; start < size; start += partBytes) {
                int number = completed.size() + 1;
                String range = "bytes=" + start + "-" + (Math.min(start + partBytes, size) - 1);
                UploadPartCopyResponse copied = call("part copy", key, () -> s3.uploadPartCopy(request -> request
                        .sourceBucket(settings.bucket()).sourceKey(source).destinationBucket(settings.bucket())
                        .destinationKey(target).uploadId(uploadId).partNumber(number).copySourceRange(range)));
                completed.add(CompletedPart.builder().partNumber(number).eTag(copied.copyPartResult().eTag())
                        .build());
            }
            call("multipart copy", key, () -> s3.completeMultipartUpload(request -> request
                    .bucket(settings.bucket()).key(target).uploadId(uploadId).ifNoneMatch("*")
                    .multipartUpload(upload -> upload.parts(completed))));
        } catch (Throwable e) {
            abort(key, target, uploadId, e);
            throw e;
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String objectKey = objectKey(key);
        call("DELETE", key, () -> s3.deleteObject(request -> request.bucket(settings.bucket()).key(objectKey)));
    }

    /** The bucket answers a HEAD: reachable, existing and the credentials accepted. */
    @Override
    public void checkWritable() throws IOException {
        try {
            s3.headBucket(request -> request.bucket(settings.bucket()));
        } catch (SdkException e) {
            throw new IOException("the bucket " + settings.bucket() + " cannot be reached: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }

    private HeadObjectResponse head(String key, String objectKey) throws IOException {
        return call("HEAD", key, () -> s3.headObject(request -> request.bucket(settings.bucket()).key(objectKey)));
    }

    private boolean exists(String key, String objectKey) throws IOException {
        try {
            head(key, objectKey);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Aborts an upload after a failure; an abort that fails too is added to the failure, which stays the one thrown. */
    private void abort(String key, String objectKey, String uploadId, Throwable failure) {
        try {
            s3.abortMultipartUpload(request -> request.bucket(settings.bucket()).key(objectKey).uploadId(uploadId));
        } catch (SdkException e) {
            log.warn("could not abort the multipart upload {} of {}; its parts stay until the bucket's lifecycle"
                    + " rule removes them", uploadId, key, e);
            failure.addSuppressed(e);
        }
    }

    /** The bucket's key for a store key: checked, under the prefix. */
    private String objectKey(String key) {
        return prefix + ArtifactKeys.check(key);
    }

    /** Runs a request, turning the SDK's unchecked failures into the I/O failures the store's callers handle. */
    private static <T> T call(String what, String key, Supplier<T> request) throws IOException {
        try {
            return request.get();
        } catch (NoSuchKeyException e) {
            throw notFound(key, e);
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                throw notFound(key, e);
            }
            throw new IOException("S3 " + what + " of " + key + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 " + what + " of " + key + " failed: " + e.getMessage(), e);
        }
    }

    private static NoSuchFileException notFound(String key, S3Exception cause) {
        NoSuchFileException notFound = new NoSuchFileException(key);
        notFound.initCause(cause);
        return notFound;
    }
}
