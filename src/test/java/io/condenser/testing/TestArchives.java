package io.condenser.testing;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.onnx.OnnxModelFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zip archives as clients upload them, built in memory. */
public final class TestArchives {

    private TestArchives() {
    }

    /** A zip of the entries, in name order. */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : new TreeMap<>(entries).entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The model written to {@code modelFile} with its weights in an external data file, both zipped as a user uploads
     * such a model.
     *
     * @param folder the folder the two entries sit in inside the zip ("" for none)
     */
    public static byte[] withExternalData(ModelProto model, Path modelFile, String folder) throws IOException {
        OnnxModelFiles.writeWithExternalData(model, modelFile);
        Path dataFile = OnnxModelFiles.dataFileOf(modelFile);
        return zip(Map.of(folder + modelFile.getFileName(), Files.readAllBytes(modelFile),
                folder + dataFile.getFileName(), Files.readAllBytes(dataFile)));
    }
}
