package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads and writes ONNX model files. */
public final class OnnxModelFiles {

    /** protobuf-java cannot parse a message of 2 GiB or more; such models need ONNX external data. */
    public static final long MAX_PROTOBUF_BYTES = Integer.MAX_VALUE;

    private OnnxModelFiles() {
    }

    /**
     * Parses a model by memory-mapping the file: tensor bytes alias the mapping instead of being copied onto the
     * heap, so a 90 MB model costs a few MB of heap (FACTS.md). The file must not change while the model is used.
     */
    public static ModelProto read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size >= MAX_PROTOBUF_BYTES) {
                throw new InvalidModelException("the file has " + size
                        + " bytes; ONNX files of 2 GiB or more must keep their tensors as external data, which this"
                        + " version does not read yet");
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

    /** Writes the model to a file, replacing it, through a stream: no second copy of the model is built in memory. */
    public static void write(ModelProto model, Path file) throws IOException {
        if (model.getSerializedSize() < 0) {
            throw new IOException("the model is over 2 GiB and cannot be serialized without external data");
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            model.writeTo(out);
        }
    }
}
