package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads and writes ONNX model files, with their tensors' external data (side files) when they have any: read tensor by
 * tensor after every location was checked (see {@link ExternalData}), and written the same way for models too large for
 * one protobuf message.
 */
public final class OnnxModelFiles {

    /** protobuf-java cannot parse a message of 2 GiB or more; such models need ONNX external data. */
    public static final long MAX_PROTOBUF_BYTES = Integer.MAX_VALUE;

    /**
     * Initializer bytes from which a written model keeps its tensors in a side file: below it a model is one
     * self-contained file, which every runtime and tool loads; above it the 2 GiB protobuf limit comes close (the graph
     * and the message's own fields need room too).
     */
    public static final long EXTERNAL_DATA_THRESHOLD = 7L << 28;

    /** Tensors smaller than this stay in the model file even when the others go to the side file (ONNX's default). */
    public static final long EXTERNAL_TENSOR_MIN_BYTES = 1024;

    private OnnxModelFiles() {
    }

    /**
     * Parses a model by memory-mapping the file: tensor bytes alias the mapping instead of being copied onto the
     * heap, so a 90 MB model costs a few MB of heap (FACTS.md). The file must not change while the model is used.
     */
    public static ModelProto read(Path file) throws IOException {
        return ExternalData.resolve(parse(file), file.toAbsolutePath().getParent());
    }

    /**
     * Reads a model that must hold all its tensors itself: one that names external data is refused before any
     * location is looked at (a file uploaded alone has no data files of its own next to it).
     */
    public static ModelProto readSelfContained(Path file) throws IOException {
        ModelProto model = parse(file);
        if (ExternalData.hasAny(model)) {
            throw new InvalidModelException("the model keeps tensors in external data files; upload it as a zip, tar"
                    + " or tar.gz together with those files");
        }
        return model;
    }

    private static ModelProto parse(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size >= MAX_PROTOBUF_BYTES) {
                throw new InvalidModelException("the file has " + size
                        + " bytes; ONNX files of 2 GiB or more must keep their tensors as external data");
            }
            if (size == 0) {
                throw new InvalidModelException("the file is empty");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            CodedInputStream input = UnsafeByteOperations.unsafeWrap(mapped).newCodedInput();
            input.enableAliasing(true);
            input.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(input, ExtensionRegistryLite.getEmptyRegistry());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidModelException("the file is not an ONNX protobuf: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the model to a file, replacing it. A model whose initializers reach {@link #EXTERNAL_DATA_THRESHOLD} is
     * written with its tensors in a side file ({@link #dataFileOf}); a smaller one is one self-contained file, with any
     * external data it was read with brought back inline.
     *
     * @return the files written: the model file, then the data file if there is one
     */
    public static List<Path> write(ModelProto model, Path file) throws IOException {
        long bytes = model.getGraph().getInitializerList().stream().mapToLong(OnnxTensors::dataBytes).sum();
        if (bytes >= EXTERNAL_DATA_THRESHOLD) {
            return writeWithExternalData(model, file);
        }
        writeMessage(inline(model), file);
        return List.of(file);
    }

    /**
     * Writes the model with every initializer of at least {@link #EXTERNAL_TENSOR_MIN_BYTES} in the side file
     * {@link #dataFileOf}, one tensor after the other: tensors read from external data are copied file to file, never
     * held in memory. Both files are written under temporary names first, so the model may be rewritten in place.
     */
    public static List<Path> writeWithExternalData(ModelProto model, Path file) throws IOException {
        Path dataFile = dataFileOf(file);
        Path partialData = dataFile.resolveSibling(dataFile.getFileName() + ".partial");
        Path partialModel = file.resolveSibling(file.getFileName() + ".partial");
        GraphProto.Builder graph = model.getGraph().toBuilder();
        try {
            try (FileChannel data = FileChannel.open(partialData, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                for (int i = 0; i < graph.getInitializerCount(); i++) {
                    TensorProto tensor = graph.getInitializer(i);
                    if ((tensor.hasRawData() || OnnxTensors.isExternal(tensor))
                            && OnnxTensors.dataBytes(tensor) >= EXTERNAL_TENSOR_MIN_BYTES) {
                        graph.setInitializer(i, appendTo(data, tensor, dataFile.getFileName().toString()));
                    }
                }
            }
            writeMessage(model.toBuilder().setGraph(graph).build(), partialModel);
            Files.move(partialData, dataFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(partialModel, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return List.of(file, dataFile);
        } finally {
            Files.deleteIfExists(partialData);
            Files.deleteIfExists(partialModel);
        }
    }

    /** The bytes a model read from {@code file} takes on disk: the file and the external data files it reads. */
    public static long storedBytes(Path file, ModelProto model) throws IOException {
        long bytes = Files.size(file);
        for (Path dataFile : ExternalData.files(model)) {
            bytes += Files.size(dataFile);
        }
        return bytes;
    }

    /** The side file a model file's external data is written to: {@code model.onnx} → {@code model.onnx.data}. */
    public static Path dataFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".data");
    }

    private static TensorProto appendTo(FileChannel data, TensorProto tensor, String location) throws IOException {
        long offset = data.position();
        if (OnnxTensors.isExternal(tensor)) {
            ExternalData.copy(tensor, data);
        } else {
            ByteBuffer bytes = tensor.getRawData().asReadOnlyByteBuffer();
            while (bytes.hasRemaining()) {
                data.write(bytes);
            }
        }
        long length = data.position() - offset;
        return tensor.toBuilder().clearRawData().clearExternalData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(ExternalData.entryOf(ExternalData.LOCATION, location))
                .addExternalData(ExternalData.entryOf(ExternalData.OFFSET, Long.toString(offset)))
                .addExternalData(ExternalData.entryOf(ExternalData.LENGTH, Long.toString(length)))
                .build();
    }

    /** The model with external tensors read back into the file: for models small enough to be one message. */
    private static ModelProto inline(ModelProto model) {
        if (model.getGraph().getInitializerList().stream().noneMatch(OnnxTensors::isExternal)) {
            return model;
        }
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto tensor = graph.getInitializer(i);
            if (OnnxTensors.isExternal(tensor)) {
                graph.setInitializer(i, tensor.toBuilder().clearExternalData()
                        .setDataLocation(TensorProto.DataLocation.DEFAULT)
                        .setRawData(ByteString.copyFrom(ExternalData.read(tensor))).build());
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    /** Streams the message to the file: no second copy of the model is built in memory. */
    private static void writeMessage(ModelProto model, Path file) throws IOException {
        if (model.getSerializedSize() < 0) {
            throw new IOException("the model is over 2 GiB and cannot be serialized without external data");
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            model.writeTo(out);
        }
    }
}
