package io.condenser.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.condenser.testing.TestS3;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The S3 store against an in-process S3 server, with the smallest part S3 accepts so that a few megabytes make a
 * multipart upload, and part-by-part copies from that size on.
 */
class S3ArtifactStoreTest extends ArtifactStoreContract {

    private static final String PREFIX = "condenser/artifacts";
    private static final int PART_BYTES = (int) S3ArtifactStore.MIN_PART_BYTES;

    private final TestS3 s3 = TestS3.shared();
    private final List<String> getRanges = new CopyOnWriteArrayList<>();
    private volatile boolean deletesFail;
    private String bucket;
    private S3ArtifactStore store;

    @BeforeEach
    void openStore() {
        bucket = s3.newBucket();
        store = store(bucket, s3.endpoint(), false);
    }

    @AfterEach
    void removeBucket() {
        store.close();
        s3.deleteBucket(bucket);
    }

    @Override
    ArtifactStore store() {
        return store;
    }

    @Override
    int partBytes() {
        return PART_BYTES;
    }

    @Override
    void assertNoUnfinishedWrites() {
        assertThat(s3.client().listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
    }

    @Override
    void assertLocalCopyReleased(Path copy) throws IOException {
        assertThat(copy).doesNotExist();
        assertThat(copy.getParent()).doesNotExist();
        try (Stream<Path> copies = Files.list(localCopies())) {
            assertThat(copies).isEmpty();
        }
    }

    @Test
    void largeWritesGoUpInPartsAndEveryKeyLivesUnderThePrefix() throws IOException {
        store.write("models/a/model.onnx", new ByteArrayInputStream(bytes(2 * PART_BYTES + 1, 1)), Long.MAX_VALUE);
        store.write("datasets/b/data", new ByteArrayInputStream(bytes(10, 2)), Long.MAX_VALUE);

        assertThat(s3.client().listObjectsV2(request -> request.bucket(bucket)).contents()).map(S3Object::key)
                .containsExactlyInAnyOrder(PREFIX + "/models/a/model.onnx", PREFIX + "/datasets/b/data");
        // A multipart object's S3 ETag ends in its number of parts.
        assertThat(s3.client().headObject(request -> request.bucket(bucket).key(PREFIX + "/models/a/model.onnx"))
                .eTag()).endsWith("-3\"");
        assertThat(s3.client().headObject(request -> request.bucket(bucket).key(PREFIX + "/datasets/b/data"))
                .eTag()).doesNotContain("-");
    }

    @Test
    void aByteRangeIsOneRangedGetFromItsStart() throws IOException {
        byte[] content = bytes(3 * PART_BYTES, 5);
        store.write("models/f/model.onnx", new ByteArrayInputStream(content), Long.MAX_VALUE);
        Resource resource = store.read("models/f/model.onnx");
        getRanges.clear();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = resource.getInputStream()) {
            StreamUtils.copyRange(in, out, 2L * PART_BYTES, 2L * PART_BYTES + 9);
        }
        try (InputStream in = resource.getInputStream()) {
            in.readNBytes(3);
        }

        assertThat(out.toByteArray()).isEqualTo(Arrays.copyOfRange(content, 2 * PART_BYTES, 2 * PART_BYTES + 10));
        assertThat(getRanges).containsExactly("bytes=" + 2 * PART_BYTES + "-", "none");
    }

    @Test
    void aLargeObjectIsMovedPartByPart() throws IOException {
        byte[] content = bytes(2 * PART_BYTES + 77, 3);
        store.write("uploads/c", new ByteArrayInputStream(content), Long.MAX_VALUE);

        store.move("uploads/c", "models/c/model.onnx");

        assertThat(read("models/c/model.onnx")).isEqualTo(content);
        assertThat(s3.client().headObject(request -> request.bucket(bucket).key(PREFIX + "/models/c/model.onnx"))
                .eTag()).as("copied in parts").endsWith("-3\"");
        assertNoUnfinishedWrites();
    }

    @Test
    void aMoveWhoseSourceCannotBeDeletedStillMoves() throws IOException {
        byte[] content = bytes(1000, 5);
        store.write("uploads/d", new ByteArrayInputStream(content), Long.MAX_VALUE);
        deletesFail = true;

        store.move("uploads/d", "models/d/model.onnx");

        assertThat(read("models/d/model.onnx")).isEqualTo(content);
        assertThat(read("uploads/d")).as("left behind").isEqualTo(content);
    }

    @Test
    void presignedDownloadsAreHandedOutOnlyWhenConfiguredAndServeTheBytes() throws Exception {
        byte[] content = bytes(5000, 4);
        store.write("models/d/model.onnx", new ByteArrayInputStream(content), Long.MAX_VALUE);
        assertThat(store.directDownload("models/d/model.onnx", "attachment; filename=\"d.onnx\"")).isEmpty();

        try (S3ArtifactStore presigning = store(bucket, s3.endpoint(), true)) {
            URI url = presigning.directDownload("models/d/model.onnx", "attachment; filename=\"d.onnx\"")
                    .orElseThrow();

            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(content);
            assertThat(response.headers().firstValue("Content-Disposition"))
                    .hasValue("attachment; filename=\"d.onnx\"");
        }
    }

    @Test
    void aMissingBucketOrAnUnreachableServerIsNotWritable() throws IOException {
        try (S3ArtifactStore missingBucket = store("condenser-missing-bucket", s3.endpoint(), false)) {
            assertThatThrownBy(missingBucket::checkWritable).isInstanceOf(IOException.class)
                    .hasMessageContaining("condenser-missing-bucket");
        }
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (S3ArtifactStore unreachable = store(bucket, closedPort, false)) {
            assertThatThrownBy(unreachable::checkWritable).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> unreachable.write("models/e/model.onnx",
                    new ByteArrayInputStream(new byte[10]), 10)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void settingsWithoutABucketOrWithTooSmallPartsAreRefused() {
        assertThatThrownBy(() -> new StorageProperties(StorageProperties.Type.S3, null, settings(null, null, false)))
                .hasMessageContaining("CONDENSER_STORAGE_S3_BUCKET");
        assertThatThrownBy(() -> new StorageProperties.S3Settings("b", null, "us-east-1", true, "", false,
                Duration.ofMinutes(1), DataSize.ofMegabytes(1)).requireUsable())
                .hasMessageContaining("part-size");
    }

    private S3ArtifactStore store(String bucketName, URI endpoint, boolean presignedDownloads) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(TestS3.ACCESS_KEY,
                TestS3.SECRET_KEY));
        S3Client client = S3Client.builder().endpointOverride(endpoint).region(TestS3.REGION).forcePathStyle(true)
                .credentialsProvider(credentials)
                .overrideConfiguration(configuration -> configuration.addExecutionInterceptor(recordGetRanges())
                        .addExecutionInterceptor(failDeletesWhenAsked()))
                .build();
        S3Presigner presigner = S3Presigner.builder().endpointOverride(endpoint).region(TestS3.REGION)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
        return new S3ArtifactStore(client, presigner, settings(bucketName, endpoint, presignedDownloads),
                localCopies(), PART_BYTES);
    }

    /** Notes the Range header of every GET of an object the store sends. */
    private ExecutionInterceptor recordGetRanges() {
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest) {
                    getRanges.add(context.httpRequest().firstMatchingHeader("Range").orElse("none"));
                }
            }
        };
    }

    /** Fails every DELETE of an object once a test sets {@link #deletesFail}. */
    private ExecutionInterceptor failDeletesWhenAsked() {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (deletesFail && context.request() instanceof DeleteObjectRequest) {
                    throw SdkClientException.create("deleting is failing in this test");
                }
            }
        };
    }

    private static StorageProperties.S3Settings settings(String bucketName, URI endpoint, boolean presigned) {
        return new StorageProperties.S3Settings(bucketName, endpoint, TestS3.REGION.id(), true, "/" + PREFIX + "/",
                presigned, Duration.ofMinutes(5), DataSize.ofBytes(PART_BYTES));
    }

    private Path localCopies() {
        return scratch.resolve("copies");
    }
}
