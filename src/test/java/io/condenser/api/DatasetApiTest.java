package io.condenser.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Datasets through the API: upload and inspection, refusals that leave nothing behind, download, deletion. */
class DatasetApiTest extends IntegrationTestSupport {

    private static final int FEATURES = 16;

    @Test
    void anArchiveIsStoredInspectedListedAndDownloadedAsUploaded() throws Exception {
        byte[] content = dataset(new long[] {0, 1, 1, 3, 3, 3}, true);

        ApiClient.Response upload = api().upload("/v1/datasets", "digits.npz", content, Map.of());

        assertThat(upload.status()).as(upload.text()).isEqualTo(201);
        JsonNode dataset = upload.json();
        String id = dataset.get("id").asString();
        assertThat(upload.header("Location")).isEqualTo("/v1/datasets/" + id);
        assertThat(dataset.get("name").asString()).isEqualTo("digits.npz");
        assertThat(dataset.get("format").asString()).isEqualTo("NPZ");
        assertThat(dataset.get("sizeBytes").asLong()).isEqualTo(content.length);
        assertThat(dataset.get("sha256").asString()).isEqualTo(CompressionJobEndToEndTest.sha256(content));
        assertThat(dataset.at("/inspection/sampleCount").asLong()).isEqualTo(6);
        assertThat(dataset.at("/inspection/sampleShape").toString()).isEqualTo("[" + FEATURES + "]");
        assertThat(dataset.at("/inspection/labelled").asBoolean()).isTrue();
        assertThat(dataset.at("/inspection/classCount").asInt()).isEqualTo(3);
        assertThat(dataset.at("/inspection/labelCounts").toString()).isEqualTo("{\"0\":1,\"1\":2,\"3\":3}");

        assertThat(api().get("/v1/datasets/" + id).json().at("/inspection/sampleCount").asLong()).isEqualTo(6);
        assertThat(api().get("/v1/datasets?limit=200").json().get("items"))
                .anyMatch(d -> d.get("id").asString().equals(id));
        ApiClient.Response download = api().get("/v1/datasets/" + id + "/content");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(content);
        assertThat(download.header("Content-Disposition")).contains("digits.npz");
        assertThat(api().get("/v1/datasets/" + id + "/content", "If-None-Match", download.header("ETag")).status())
                .isEqualTo(304);
    }

    @Test
    void malformedFilesAreRefusedAndLeaveNothingBehind() throws IOException {
        assertUploadRefusedWithoutTrace(() -> api().upload("/v1/datasets", "data.csv", "x,y\n1,0\n".getBytes(),
                Map.of()), 415, "unsupported-dataset-format", "datasets");
        byte[] floats64 = TestDatasets.npz(Map.of("x", TestDatasets.npy("<f8", new long[] {2, 2}, new byte[32])),
                false);
        ApiClient.Response wrongType = assertUploadRefusedWithoutTrace(() -> api().upload("/v1/datasets", "d.npz",
                floats64, Map.of()), 422, "invalid-dataset", "datasets");
        assertThat(wrongType.json().get("detail").asString()).contains("float32");
        byte[] nan = TestDatasets.labelled(new float[] {0, Float.NaN}, 1, new long[] {0, 1}, true);
        assertUploadRefusedWithoutTrace(() -> api().upload("/v1/datasets", "nan.npz", nan, Map.of()), 422,
                "invalid-dataset", "datasets");
        byte[] complete = dataset(new long[] {0, 1}, false);
        byte[] truncated = Arrays.copyOf(complete, complete.length - 40);
        assertUploadRefusedWithoutTrace(() -> api().upload("/v1/datasets", "cut.npz", truncated, Map.of()), 422,
                "invalid-dataset", "datasets");
        assertUploadRefusedWithoutTrace(() -> api().upload("/v1/datasets", "huge.npz", new byte[9 * 1024 * 1024],
                Map.of()), 413, "upload-too-large", "datasets");
    }

    @Test
    void aDatasetReadByAQueuedJobCannotBeDeletedUntilTheJobIsCancelled() throws IOException {
        String datasetId = api().upload("/v1/datasets", "d.npz", dataset(new long[] {0, 1, 2}, true), Map.of())
                .json().get("id").asString();
        String modelId = api().uploadModel("m.onnx", TestModels.mlp(FEATURES, 8, 4, 1).toByteArray()).json()
                .get("id").asString();
        ApiClient.Response job = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("datasetId", datasetId)));
        assertThat(job.status()).as(job.text()).isEqualTo(202);
        assertThat(job.json().at("/spec/evaluation/datasetId").asString()).isEqualTo(datasetId);
        assertThat(job.json().at("/spec/evaluation/samples").isMissingNode()).as("all samples by default").isTrue();

        ApiClient.Response refused = api().delete("/v1/datasets/" + datasetId);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("/dataset-in-use");

        api().post(job.header("Location") + "/cancel");
        Path file = storageRoot().resolve("datasets").resolve(datasetId).resolve("data");
        assertThat(file).exists();
        assertThat(api().delete("/v1/datasets/" + datasetId).status()).isEqualTo(204);
        assertThat(file).doesNotExist();
        assertThat(api().get("/v1/datasets/" + datasetId).status()).isEqualTo(404);
        assertThat(api().get(job.header("Location")).json().at("/spec/evaluation/datasetId").asString())
                .as("the finished job still tells what it read").isEqualTo(datasetId);
    }

    @Test
    void jobsNamingAMissingOrUnfittingDatasetAreRefusedBeforeQueueing() {
        String modelId = api().uploadModel("m.onnx", TestModels.mlp(FEATURES, 8, 4, 2).toByteArray()).json()
                .get("id").asString();
        long jobsBefore = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();

        ApiClient.Response missing = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("datasetId", "00000000-0000-0000-0000-000000000000")));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().at("/errors/0/field").asString()).isEqualTo("evaluation.datasetId");

        byte[] wide = TestDatasets.labelled(new float[3 * 5], 5, new long[] {0, 1, 2}, false);
        String wideId = api().upload("/v1/datasets", "wide.npz", wide, Map.of()).json().get("id").asString();
        ApiClient.Response unfitting = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("datasetId", wideId, "output", "nope")));
        assertThat(unfitting.status()).isEqualTo(422);
        assertThat(unfitting.json().get("errors")).extracting(e -> e.get("field").asString())
                .contains("evaluation.datasetId", "evaluation.output");
        byte[] manyClasses = TestDatasets.labelled(new float[2 * FEATURES], FEATURES, new long[] {0, 9}, false);
        String manyClassesId = api().upload("/v1/datasets", "ten.npz", manyClasses, Map.of()).json().get("id")
                .asString();
        ApiClient.Response labelsBeyondClasses = api().postJson("/v1/jobs", Map.of("modelId", modelId,
                "steps", List.of(Map.of("type", "quantize", "mode", "dynamic")),
                "evaluation", Map.of("datasetId", manyClassesId)));
        assertThat(labelsBeyondClasses.status()).isEqualTo(422);
        assertThat(labelsBeyondClasses.json().get("detail").asString()).contains("label 9").contains("4 classes");
        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single()).isEqualTo(jobsBefore);
    }

    private static byte[] dataset(long[] labels, boolean compressed) {
        float[] x = TestModels.gaussian(new SplittableRandom(labels.length), labels.length * FEATURES, 1.0);
        return TestDatasets.labelled(x, FEATURES, labels, compressed);
    }
}
