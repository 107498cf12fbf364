package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import io.condenser.testing.TestS3;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * With presigned downloads on, a plain download is a redirect to the bucket, which a client without credentials
 * follows; byte ranges and conditional requests are still answered by the service.
 */
@TestPropertySource(properties = {"condenser.storage.type=s3", "condenser.storage.s3.region=us-east-1",
        "condenser.storage.s3.path-style=true", "condenser.storage.s3.presigned-downloads=true",
        "condenser.storage.s3.presign-ttl=2m"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class S3PresignedDownloadTest extends IntegrationTestSupport {

    private static final TestS3 S3 = TestS3.shared();
    private static final String BUCKET = S3.newBucket();

    @DynamicPropertySource
    static void bucket(DynamicPropertyRegistry registry) {
        registry.add("condenser.storage.s3.endpoint", () -> S3.endpoint().toString());
        registry.add("condenser.storage.s3.bucket", () -> BUCKET);
    }

    @Test
    void aModelDownloadRedirectsToAPresignedUrlThatServesTheFile() throws Exception {
        byte[] model = TestModels.mlp(32, 16, 4, 8).toByteArray();
        String id = api().uploadModel("small.onnx", model).json().get("id").asString();

        ApiClient.Response redirect = api().get("/v1/models/" + id + "/content");

        assertThat(redirect.status()).isEqualTo(307);
        assertThat(redirect.header("Cache-Control")).isEqualTo("no-store");
        assertThat(redirect.header("ETag")).isNotBlank();
        URI location = URI.create(redirect.header("Location"));
        assertThat(location.getPath()).endsWith("/" + BUCKET + "/models/" + id + "/model.onnx");
        HttpResponse<byte[]> followed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(location).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).isEqualTo(model);
        assertThat(followed.headers().firstValue("Content-Disposition")).hasValueSatisfying(disposition ->
                assertThat(disposition).startsWith("attachment").contains("small.onnx"));

        ApiClient.Response range = api().get("/v1/models/" + id + "/content", "Range", "bytes=5-14");
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(model, 5, 15));
        assertThat(api().get("/v1/models/" + id + "/content", "If-None-Match", redirect.header("ETag")).status())
                .isEqualTo(304);
    }

    @Test
    void aDatasetDownloadRedirectsToo() throws Exception {
        byte[] dataset = TestDatasets.npz(Map.of("x", TestDatasets.xArray(new float[12], 3, 4)), false);
        ApiClient.Response upload = api().upload("/v1/datasets", "d.npz", dataset, Map.of());
        assertThat(upload.status()).as(upload.text()).isEqualTo(201);

        ApiClient.Response redirect = api().get("/v1/datasets/" + upload.json().get("id").asString() + "/content");

        assertThat(redirect.status()).isEqualTo(307);
        HttpResponse<byte[]> followed = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(redirect.header("Location"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(followed.body()).isEqualTo(dataset);
    }
}
