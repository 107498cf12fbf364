package io.condenser.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;

/**
 * What every artifact store promises, run against each of them: hashes, all-or-nothing writes, byte ranges, moves
 * that never replace, deletes of absent keys, local copies that go away on close.
 */
abstract class ArtifactStoreContract {

    @TempDir
    Path scratch;

    /** The store under test, fresh for each test. */
    abstract ArtifactStore store();

    /** A size that needs more than one part where the store writes in parts. */
    abstract int partBytes();

    /** Asserts that nothing of a write that did not finish is left anywhere (temporary files, pending uploads). */
    abstract void assertNoUnfinishedWrites() throws IOException;

    /** Asserts that closing a local copy removed whatever the store had made for it. */
    abstract void assertLocalCopyReleased(Path copy) throws IOException;

    @Test
    void aWriteKeepsTheBytesWithTheirSizeAndSha256() throws IOException {
        for (byte[] content : List.of(bytes(100, 1), bytes(2 * partBytes() + 12_345, 2), new byte[0])) {
            StoredArtifact stored = store().write("models/a/model.onnx", new ByteArrayInputStream(content),
                    content.length);

            assertThat(stored.key()).isEqualTo("models/a/model.onnx");
            assertThat(stored.sizeBytes()).isEqualTo(content.length);
            assertThat(stored.sha256()).isEqualTo(sha256(content));
            Resource resource = store().read("models/a/model.onnx");
            assertThat(resource.contentLength()).isEqualTo(content.length);
            try (InputStream in = resource.getInputStream()) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
    }

    @Test
    void aFileIsWrittenLikeAStream() throws IOException {
        byte[] content = bytes(partBytes() + 7, 3);
        Path file = Files.write(scratch.resolve("result.onnx"), content);

        StoredArtifact stored = store().writeFile("models/b/model.onnx", file);

        assertThat(stored.sha256()).isEqualTo(sha256(content));
        assertThat(read("models/b/model.onnx")).isEqualTo(content);
    }

    @Test
    void aWriteOverTheLimitLeavesNothingBehind() throws IOException {
        byte[] large = bytes(2 * partBytes() + 5, 4);
        assertThatThrownBy(() -> store().write("uploads/large", new ByteArrayInputStream(large), partBytes() + 10))
                .isInstanceOf(ArtifactTooLargeException.class);
        assertThatThrownBy(() -> store().write("uploads/small", new ByteArrayInputStream(bytes(20, 5)), 19))
                .isInstanceOf(ArtifactTooLargeException.class);

        assertThatThrownBy(() -> store().read("uploads/large")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store().read("uploads/small")).isInstanceOf(NoSuchFileException.class);
        assertNoUnfinishedWrites();
    }

    @Test
    void aWriteWhoseStreamFailsLeavesTheObjectBeforeItAsItWas() throws IOException {
        byte[] before = bytes(300, 6);
        store().write("datasets/c/data", new ByteArrayInputStream(before), Long.MAX_VALUE);
        IOException cut = new IOException("connection reset by the client");

        assertThatThrownBy(() -> store().write("datasets/c/data", failingAfter(bytes(partBytes() + 100, 7), cut),
                Long.MAX_VALUE)).isSameAs(cut);
        assertThatThrownBy(() -> store().write("datasets/d/data", failingAfter(bytes(2 * partBytes(), 8), cut),
                Long.MAX_VALUE)).isSameAs(cut);

        assertThat(read("datasets/c/data")).isEqualTo(before);
        assertThatThrownBy(() -> store().read("datasets/d/data")).isInstanceOf(NoSuchFileException.class);
        assertNoUnfinishedWrites();
    }

    @Test
    void byteRangesAreServedAsSpringReadsThem() throws IOException {
        byte[] content = bytes(2 * partBytes() + 999, 9);
        store().write("models/e/model.onnx", new ByteArrayInputStream(content), Long.MAX_VALUE);
        Resource resource = store().read("models/e/model.onnx");
        long[][] ranges = {{0, 0}, {10, 19}, {partBytes() - 3, partBytes() + 3}, {content.length - 100,
                content.length - 1}};

        for (long[] range : ranges) {
            // What Spring MVC's ResourceRegionHttpMessageConverter does for a 206: skip to the start, copy, close.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = resource.getInputStream()) {
                StreamUtils.copyRange(in, out, range[0], range[1]);
            }
            assertThat(out.toByteArray()).as("bytes %d-%d", range[0], range[1])
                    .isEqualTo(Arrays.copyOfRange(content, (int) range[0], (int) range[1] + 1));
        }
        try (InputStream in = resource.getInputStream()) {
            assertThat(in.readNBytes(5)).isEqualTo(Arrays.copyOf(content, 5));
        }
        assertThat(read("models/e/model.onnx")).as("a stream closed early spoils nothing").isEqualTo(content);
    }

    @Test
    void aMoveGivesTheObjectItsNewKeyAndNeverReplacesAnother() throws IOException {
        byte[] upload = bytes(2 * partBytes() + 1, 10);
        byte[] other = bytes(64, 11);
        store().write("uploads/f", new ByteArrayInputStream(upload), Long.MAX_VALUE);
        store().write("uploads/g", new ByteArrayInputStream(other), Long.MAX_VALUE);

        store().move("uploads/f", "models/f/model.onnx");

        assertThat(read("models/f/model.onnx")).isEqualTo(upload);
        assertThatThrownBy(() -> store().read("uploads/f")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store().move("uploads/g", "models/f/model.onnx"))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(read("models/f/model.onnx")).isEqualTo(upload);
        assertThat(read("uploads/g")).isEqualTo(other);
        assertThatThrownBy(() -> store().move("uploads/absent", "models/h/model.onnx"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aDeleteRemovesTheObjectAndIgnoresAnAbsentOne() throws IOException {
        store().write("datasets/i/data", new ByteArrayInputStream(bytes(10, 12)), Long.MAX_VALUE);

        store().delete("datasets/i/data");
        store().delete("datasets/i/data");
        store().delete("datasets/never/data");

        assertThatThrownBy(() -> store().read("datasets/i/data")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aLocalCopyHoldsTheObjectWithItsSiblingsBesideItUntilClosed() throws IOException {
        byte[] model = bytes(1000, 13);
        byte[] data = bytes(partBytes() + 10, 14);
        store().write("models/j/files/m.onnx", new ByteArrayInputStream(model), Long.MAX_VALUE);
        store().write("models/j/files/m.onnx.data", new ByteArrayInputStream(data), Long.MAX_VALUE);

        Path copied;
        try (ArtifactStore.LocalCopy copy = store().localCopy("models/j/files/m.onnx", List.of("m.onnx.data"))) {
            copied = copy.path();
            assertThat(copied.getFileName()).hasToString("m.onnx");
            assertThat(copied).hasBinaryContent(model);
            assertThat(copied.resolveSibling("m.onnx.data")).hasBinaryContent(data);
        }

        assertLocalCopyReleased(copied);
        assertThat(read("models/j/files/m.onnx")).isEqualTo(model);
        assertThat(read("models/j/files/m.onnx.data")).isEqualTo(data);
        assertThatThrownBy(() -> store().localCopy("models/j/files/m.onnx", List.of("absent.data")))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store().localCopy("models/absent/model.onnx"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void keysThatCouldClimbOutOfAFolderAreRefused() {
        for (String key : List.of("../x", "/models/x", "models//x", "models/../x", "models/x/", "a b")) {
            assertThatThrownBy(() -> store().write(key, new ByteArrayInputStream(new byte[1]), 1))
                    .as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().read(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store().localCopy("models/k/m.onnx", List.of("../../x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWorkingStoreIsWritable() throws IOException {
        store().checkWritable();
    }

    byte[] read(String key) throws IOException {
        try (InputStream in = store().read(key).getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** A stream that gives the bytes, then fails as a dropped connection does. */
    static InputStream failingAfter(byte[] bytes, IOException failure) {
        return new SequenceInputStream(new ByteArrayInputStream(bytes), new InputStream() {
            @Override
            public int read() throws IOException {
                throw failure;
            }
        });
    }

    static byte[] bytes(int count, long seed) {
        byte[] bytes = new byte[count];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
