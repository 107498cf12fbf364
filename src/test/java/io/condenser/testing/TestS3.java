package io.condenser.testing;

import java.net.URI;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 server inside the test JVM (s3proxy with its in-memory backend) that checks request signatures as S3 does.
 * Its credentials are also set as the system properties the AWS SDK's default chain reads, so that a service
 * configured like a production one (credentials from the environment) can talk to it.
 */
public final class TestS3 {

    public static final String ACCESS_KEY = "condenser-test";
    public static final String SECRET_KEY = "condenser-test-secret";
    public static final Region REGION = Region.US_EAST_1;

    private static TestS3 shared;

    private final URI endpoint;
    private final S3Client client;

    private TestS3(S3Proxy proxy) {
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        this.client = S3Client.builder().endpointOverride(endpoint).region(REGION).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
    }

    /** One server per JVM, started on first use and stopped at exit. */
    public static synchronized TestS3 shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static TestS3 start() {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        try {
            proxy.start();
            // start() returns while Jetty may still be binding; the port is known once it runs.
            while (!"STARTED".equals(proxy.getState())) {
                Thread.onSpinWait();
            }
        } catch (Exception e) {
            throw new IllegalStateException("the in-process S3 server did not start", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.stop();
            } catch (Exception e) {
                // The JVM is exiting; there is nothing left to clean up for.
            }
        }));
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        return new TestS3(proxy);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client with the server's credentials, for looking at what a test stored. */
    public S3Client client() {
        return client;
    }

    /** Creates a bucket with a fresh name. */
    public String newBucket() {
        String bucket = "condenser-" + UUID.randomUUID();
        client.createBucket(request -> request.bucket(bucket));
        return bucket;
    }

    /** Removes a bucket with everything in it: objects and unfinished multipart uploads. */
    public void deleteBucket(String bucket) {
        client.listMultipartUploadsPaginator(request -> request.bucket(bucket)).uploads().forEach(upload ->
                client.abortMultipartUpload(request -> request.bucket(bucket).key(upload.key())
                        .uploadId(upload.uploadId())));
        for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(bucket)).contents()) {
            client.deleteObject(request -> request.bucket(bucket).key(object.key()));
        }
        client.deleteBucket(request -> request.bucket(bucket));
    }
}
