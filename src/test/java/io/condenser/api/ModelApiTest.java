package io.condenser.api;

import static io.condenser.testing.TestArchives.zip;
import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.testing.ApiClient;
import io.condenser.testing.IntegrationTestSupport;
import io.condenser.testing.TestArchives;
import io.condenser.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ModelApiTest extends IntegrationTestSupport {

    @TempDir
    Path dir;

    @Test
    void textIsRefusedAsAnInvalidModelAndLeavesNothingBehind() throws IOException {
        assertRefusedWithoutTrace(() -> api().uploadModel("notes.onnx",
                "definitely not protobuf \u0000\u0001".getBytes(StandardCharsets.UTF_8)), 422, "invalid-model");
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        assertRefusedWithoutTrace(() -> api().uploadModel("empty.onnx", new byte[0]), 422, "invalid-model");
    }

    @Test
    void aTorchScriptFileLibtorchCannotLoadAndAnUnreadableZipAreInvalidModels() throws IOException {
        byte[] torchScript = zip(Map.of("lenet/data.pkl", new byte[16], "lenet/version", "3".getBytes()));
        assertRefusedWithoutTrace(() -> api().uploadModel("model.pt", torchScript), 422, "invalid-model");
        byte[] garbage = {'P', 'K', 3, 4, 0, 0, 0, 0, 1, 2, 3};
        assertRefusedWithoutTrace(() -> api().uploadModel("model.zip", garbage), 422, "invalid-model");
    }

    @Test
    void aModelWithExternalDataIsUploadedAsAZipStoredUnpackedAndDownloadedAsUploaded() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("external"));
        Path modelFile = folder.resolve("mlp.onnx");
        byte[] archive = TestArchives.withExternalData(TestModels.mlp(64, 32, 10, 5), modelFile, "mlp/");

        ApiClient.Response upload = api().uploadModel("mlp.zip", archive);

        assertThat(upload.status()).as(upload.text()).isEqualTo(201);
        String id = upload.json().get("id").asString();
        assertThat(upload.json().at("/inspection/parameterCount").asLong()).isEqualTo(64 * 32 + 32 + 32 * 10 + 10);
        Path stored = storageRoot().resolve("models").resolve(id);
        assertThat(stored.resolve("files").resolve("mlp.onnx")).exists();
        assertThat(stored.resolve("files").resolve("mlp.onnx.data")).exists();
        ApiClient.Response download = api().get("/v1/models/" + id + "/content");
        assertThat(download.body()).isEqualTo(archive);
        assertThat(download.header("Content-Disposition")).contains(".zip");

        assertThat(api().delete("/v1/models/" + id).status()).isEqualTo(204);
        assertThat(stored).doesNotExist();
    }

    @Test
    void archivesThatBreakTheRulesAreRefusedAndLeaveNothingBehind() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("rules"));
        Path modelFile = folder.resolve("m.onnx");
        OnnxModelFiles.writeWithExternalData(TestModels.mlp(64, 32, 10, 6), modelFile);
        byte[] model = Files.readAllBytes(modelFile);
        byte[] data = Files.readAllBytes(OnnxModelFiles.dataFileOf(modelFile));

        ApiClient.Response traversal = assertRefusedWithoutTrace(() -> api().uploadModel("a.zip",
                zip(Map.of("m.onnx", model, "../m.onnx.data", data))), 422, "invalid-model");
        assertThat(traversal.json().get("detail").asString()).contains("plain file name");
        assertRefusedWithoutTrace(() -> api().uploadModel("b.zip", zip(Map.of("m.onnx", model))), 422,
                "invalid-model");
        assertRefusedWithoutTrace(() -> api().uploadModel("c.zip", zip(Map.of("m.onnx", model, "n.onnx", model,
                "m.onnx.data", data))), 422, "invalid-model");
        assertRefusedWithoutTrace(() -> api().uploadModel("d.zip", zip(Map.of("m.onnx.data", data))), 422,
                "invalid-model");
        assertRefusedWithoutTrace(() -> api().uploadModel("bomb.zip", zip(Map.of("m.onnx", model,
                "m.onnx.data", new byte[9 * 1024 * 1024]))), 413, "upload-too-large");
    }

    @Test
    void aTarGzArchiveIsUnpackedTooAndLinksInsideItAreRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("tar"));
        Path modelFile = folder.resolve("m.onnx");
        OnnxModelFiles.writeWithExternalData(TestModels.mlp(64, 32, 10, 7), modelFile);
        byte[] model = Files.readAllBytes(modelFile);
        byte[] data = Files.readAllBytes(OnnxModelFiles.dataFileOf(modelFile));

        ApiClient.Response upload = api().uploadModel("m.tar.gz", tarGz(Map.of("m/m.onnx", model,
                "m/m.onnx.data", data), null));
        assertThat(upload.status()).as(upload.text()).isEqualTo(201);
        assertThat(storageRoot().resolve("models").resolve(upload.json().get("id").asString()).resolve("files")
                .resolve("m.onnx.data")).exists();

        ApiClient.Response link = assertRefusedWithoutTrace(() -> api().uploadModel("l.tar.gz",
                tarGz(Map.of("m.onnx", model), "m.onnx.data")), 422, "invalid-model");
        assertThat(link.json().get("detail").asString()).contains("link");
    }

    @Test
    void namesTheServiceUsesMayAppearInAnArchiveAndPlainUploadsMayNotNameDataFiles() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("names"));
        Path modelFile = folder.resolve("m.onnx");
        OnnxModelFiles.writeWithExternalData(TestModels.mlp(64, 32, 10, 8), modelFile);
        byte[] model = Files.readAllBytes(modelFile);
        byte[] data = Files.readAllBytes(OnnxModelFiles.dataFileOf(modelFile));

        byte[] archive = zip(Map.of("m.onnx", model, "m.onnx.data", data, "upload", new byte[3],
                "archive", new byte[5], "model.onnx", new byte[7]));
        ApiClient.Response upload = api().uploadModel("names.zip", archive);
        assertThat(upload.status()).as(upload.text()).isEqualTo(422);
        assertThat(upload.json().get("detail").asString()).contains("more than one .onnx");

        byte[] clashing = zip(Map.of("m.onnx", model, "m.onnx.data", data, "upload", new byte[3],
                "archive", new byte[5]));
        String id = api().uploadModel("clash.zip", clashing).json().get("id").asString();
        assertThat(api().get("/v1/models/" + id + "/content").body()).isEqualTo(clashing);

        ApiClient.Response alone = assertRefusedWithoutTrace(() -> api().uploadModel("m.onnx", model), 422,
                "invalid-model");
        assertThat(alone.json().get("detail").asString()).contains("upload it as a zip");
        byte[] longName = tarGz(Map.of("m.onnx", model, "x".repeat(20_000), data), null);
        ApiClient.Response tooLong = assertRefusedWithoutTrace(() -> api().uploadModel("n.tar.gz", longName), 422,
                "invalid-model");
        assertThat(tooLong.text().length()).isLessThan(2_000);
    }

    /** A tar.gz of the entries, plus a symbolic link named {@code link} to /etc/passwd when it is not null. */
    private static byte[] tarGz(Map<String, byte[]> entries, String link) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            for (Map.Entry<String, byte[]> entry : new TreeMap<>(entries).entrySet()) {
                TarArchiveEntry file = new TarArchiveEntry(entry.getKey());
                file.setSize(entry.getValue().length);
                tar.putArchiveEntry(file);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
            if (link != null) {
                TarArchiveEntry symlink = new TarArchiveEntry(link, TarConstants.LF_SYMLINK);
                symlink.setLinkName("/etc/passwd");
                tar.putArchiveEntry(symlink);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Test
    void aGraphReadingAnUndefinedTensorIsRefused() throws IOException {
        byte[] broken = TestModels.mlp(8, 4, 2, 1).toBuilder()
                .setGraph(TestModels.mlp(8, 4, 2, 1).getGraph().toBuilder().removeInitializer(0)).build()
                .toByteArray();
        ApiClient.Response response = assertRefusedWithoutTrace(() -> api().uploadModel("broken.onnx", broken),
                422, "invalid-model");
        assertThat(response.json().get("detail").asString()).contains("fc1.weight");
    }

    @Test
    void anUploadOverTheLimitIsRefusedWith413() throws IOException {
        assertRefusedWithoutTrace(() -> api().uploadModel("huge.onnx", new byte[9 * 1024 * 1024]), 413,
                "upload-too-large");
    }

    @Test
    void anUploadWithoutAFilePartIsABadRequestNamingThePart() throws IOException {
        ApiClient.Response response = assertRefusedWithoutTrace(
                () -> api().upload("/v1/models", null, null, Map.of("name", "x")), 400, "invalid-request");
        assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("file");
    }

    @Test
    void unknownAndMalformedIdsAreProblems() {
        ApiClient.Response missing = api().get("/v1/models/00000000-0000-0000-0000-000000000000");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.json().get("type").asString()).endsWith("/not-found");

        ApiClient.Response malformed = api().get("/v1/models/not-a-uuid");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");

        assertThat(api().get("/v1/models/00000000-0000-0000-0000-000000000000/content").status()).isEqualTo(404);
    }

    @Test
    void listingPagesThroughModelsNewestFirst() throws IOException {
        byte[] model = Files.readAllBytes(TestModels.write(TestModels.mlp(8, 4, 2, 3), dir.resolve("m.onnx")));
        List<String> uploaded = Stream.of("p1", "p2", "p3")
                .map(name -> api().upload("/v1/models", "m.onnx", model, Map.of("name", name)).json()
                        .get("id").asString()).toList();

        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api().get("/v1/models?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items").forEach(item -> assertThat(seen.add(item.get("id").asString())).isTrue());
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asString() : null;
            pages++;
        } while (cursor != null && pages < 1000);
        assertThat(seen).containsAll(uploaded);

        JsonNode first = api().get("/v1/models?limit=1").json();
        assertThat(first.at("/items/0/id").asString()).isEqualTo(uploaded.get(2));
        assertThat(api().get("/v1/models?cursor=garbage!").status()).isEqualTo(400);
        assertThat(api().get("/v1/models?limit=0").status()).isEqualTo(400);
    }

    @Test
    void deletingAModelRemovesItsRowAndItsFile() throws IOException {
        byte[] model = Files.readAllBytes(TestModels.write(TestModels.mlp(8, 4, 2, 4), dir.resolve("m.onnx")));
        String id = api().uploadModel("m.onnx", model).json().get("id").asString();
        Path file = storageRoot().resolve("models").resolve(id).resolve("model.onnx");
        assertThat(file).exists();

        assertThat(api().delete("/v1/models/" + id).status()).isEqualTo(204);

        assertThat(api().get("/v1/models/" + id).status()).isEqualTo(404);
        assertThat(file).doesNotExist();
        assertThat(api().delete("/v1/models/" + id).status()).isEqualTo(404);
    }

    private ApiClient.Response assertRefusedWithoutTrace(Supplier<ApiClient.Response> upload, int status,
                                                         String type) throws IOException {
        return assertUploadRefusedWithoutTrace(upload, status, type, "models");
    }
}
