package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.UnsupportedModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * ONNX external data: tensor bytes kept in side files that {@code external_data} entries name by {@code location},
 * {@code offset} and {@code length}. A location is a path chosen by whoever wrote the file, so every entry is checked
 * before anything is read: relative, inside the model's directory after normalization and after following links, a
 * regular file, and the byte range within it and as long as the tensor's shape needs. A checked tensor's location is
 * replaced, in memory only, by the file's real absolute path; its bytes are read on demand, tensor by tensor.
 */
public final class ExternalData {

    static final String LOCATION = "location";
    static final String OFFSET = "offset";
    static final String LENGTH = "length";

    private ExternalData() {
    }

    /**
     * The model with every external tensor checked against {@code directory} and pointing at its real file. Only the
     * main graph's initializers may keep their data outside the model file; external data anywhere else (Constant
     * attributes, subgraphs, sparse tensors) is refused, since nothing else here reads or rewrites it. Two tensors may
     * not share bytes of a data file: overlapping ranges would let a small upload stand for any amount of data.
     */
    static ModelProto resolve(ModelProto model, Path directory) throws IOException {
        refuseExternalDataOutsideInitializers(model.getGraph(), true);
        if (model.getGraph().getInitializerList().stream().noneMatch(OnnxTensors::isExternal)) {
            return model;
        }
        Path root = directory.toRealPath();
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto tensor = graph.getInitializer(i);
            if (OnnxTensors.isExternal(tensor)) {
                graph.setInitializer(i, resolveTensor(tensor, root));
            }
        }
        refuseOverlaps(graph.getInitializerList());
        return model.toBuilder().setGraph(graph).build();
    }

    /** Whether any tensor of the model, anywhere, keeps its data outside the model file. */
    static boolean hasAny(ModelProto model) {
        try {
            refuseExternalDataOutsideInitializers(model.getGraph(), false);
            return false;
        } catch (InvalidModelException e) {
            return true;
        }
    }

    private static void refuseExternalDataOutsideInitializers(GraphProto graph, boolean main) {
        if (!main && graph.getInitializerList().stream().anyMatch(OnnxTensors::isExternal)
                || graph.getSparseInitializerList().stream().anyMatch(ExternalData::isExternal)) {
            throw new InvalidModelException("graph '" + graph.getName() + "' has a subgraph or sparse tensor with"
                    + " external data; only the main graph's initializers may keep their data outside the model file");
        }
        for (NodeProto node : graph.getNodeList()) {
            for (AttributeProto attribute : node.getAttributeList()) {
                boolean external = attribute.hasT() && OnnxTensors.isExternal(attribute.getT())
                        || attribute.getTensorsList().stream().anyMatch(OnnxTensors::isExternal)
                        || attribute.hasSparseTensor() && isExternal(attribute.getSparseTensor())
                        || attribute.getSparseTensorsList().stream().anyMatch(ExternalData::isExternal);
                if (external) {
                    throw new InvalidModelException("node " + OnnxNodes.describe(node) + " has a tensor attribute"
                            + " with external data; only the main graph's initializers may keep their data outside"
                            + " the model file");
                }
                if (attribute.hasG()) {
                    refuseExternalDataOutsideInitializers(attribute.getG(), false);
                }
                for (GraphProto subgraph : attribute.getGraphsList()) {
                    refuseExternalDataOutsideInitializers(subgraph, false);
                }
            }
        }
    }

    private static boolean isExternal(SparseTensorProto sparse) {
        return OnnxTensors.isExternal(sparse.getValues()) || OnnxTensors.isExternal(sparse.getIndices());
    }

    private static void refuseOverlaps(List<TensorProto> initializers) {
        Map<String, List<TensorProto>> byFile = initializers.stream().filter(OnnxTensors::isExternal)
                .collect(Collectors.groupingBy(t -> entry(t, LOCATION)));
        for (List<TensorProto> tensors : byFile.values()) {
            List<TensorProto> sorted = tensors.stream()
                    .sorted(Comparator.comparingLong(t -> number(t, OFFSET, 0))).toList();
            long end = 0;
            for (TensorProto tensor : sorted) {
                long offset = number(tensor, OFFSET, 0);
                if (offset < end) {
                    throw invalid(tensor, "reads bytes of its data file that another tensor reads too");
                }
                end = offset + number(tensor, LENGTH, 0);
            }
        }
    }

    private static TensorProto resolveTensor(TensorProto tensor, Path root) throws IOException {
        String location = entry(tensor, LOCATION);
        if (location == null || location.isEmpty() || location.indexOf('\0') >= 0) {
            throw invalid(tensor, "has external data without a location");
        }
        Path relative;
        try {
            relative = Path.of(location);
        } catch (InvalidPathException e) {
            throw invalid(tensor, "names the unreadable location '" + shortened(location) + "'");
        }
        Path lexical = root.resolve(relative).normalize();
        if (relative.isAbsolute() || !lexical.startsWith(root) || lexical.equals(root)) {
            throw invalid(tensor, "names '" + shortened(location) + "', which is not a file inside the model's"
                    + " directory");
        }
        Path real;
        try {
            real = lexical.toRealPath();
        } catch (NoSuchFileException e) {
            throw invalid(tensor, "keeps its data in '" + shortened(location) + "', which is missing next to the"
                    + " model");
        } catch (IOException e) {
            throw invalid(tensor, "names '" + shortened(location) + "', which cannot be a data file: "
                    + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw invalid(tensor, "names '" + location + "', a link that leads out of the model's directory");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw invalid(tensor, "names '" + location + "', which is not a regular file");
        }
        long needed = neededBytes(tensor);
        long offset = number(tensor, OFFSET, 0);
        long length = number(tensor, LENGTH, needed);
        long fileSize = Files.size(real);
        if (length != needed) {
            throw invalid(tensor, "declares " + length + " bytes of external data where its shape needs " + needed);
        }
        if (offset < 0 || offset > fileSize || length > fileSize - offset) {
            throw invalid(tensor, "reads bytes " + offset + " to " + (offset + length) + " of '" + location
                    + "', which has " + fileSize);
        }
        TensorProto.Builder resolved = tensor.toBuilder().clearExternalData();
        resolved.addExternalData(entryOf(LOCATION, real.toString()));
        resolved.addExternalData(entryOf(OFFSET, Long.toString(offset)));
        resolved.addExternalData(entryOf(LENGTH, Long.toString(length)));
        return resolved.build();
    }

    /** The distinct files the checked external tensors of a model read. */
    static Set<Path> files(ModelProto model) {
        return model.getGraph().getInitializerList().stream().filter(OnnxTensors::isExternal)
                .map(t -> Path.of(entry(t, LOCATION))).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Whether the tensor's location was checked by {@link #resolve} (it then names an absolute path). */
    static boolean isResolved(TensorProto tensor) {
        String location = entry(tensor, LOCATION);
        return location != null && Path.of(location).isAbsolute();
    }

    /** Reads a checked external tensor's bytes (little-endian) onto the heap. */
    static ByteBuffer read(TensorProto tensor) {
        Path file = Path.of(entry(tensor, LOCATION));
        long offset = number(tensor, OFFSET, 0);
        long declared = number(tensor, LENGTH, neededBytes(tensor));
        if (declared > Integer.MAX_VALUE - 8) {
            throw new UnsupportedModelException("tensor '" + tensor.getName() + "' holds " + declared
                    + " bytes; tensors of 2 GiB or more are not supported");
        }
        int length = (int) declared;
        ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, offset + bytes.position()) < 0) {
                    throw invalid(tensor, "lost bytes of its external data: '" + file + "' is shorter than it was");
                }
            }
        } catch (IOException e) {
            throw new InvalidModelException("tensor '" + tensor.getName() + "': its external data cannot be read: "
                    + e.getMessage(), e);
        }
        return bytes.flip();
    }

    /** Copies a checked external tensor's bytes to a channel, without holding them in memory. */
    static void copy(TensorProto tensor, FileChannel target) throws IOException {
        long offset = number(tensor, OFFSET, 0);
        long length = number(tensor, LENGTH, neededBytes(tensor));
        try (FileChannel source = FileChannel.open(Path.of(entry(tensor, LOCATION)), StandardOpenOption.READ)) {
            long done = 0;
            while (done < length) {
                long moved = source.transferTo(offset + done, length - done, target);
                if (moved <= 0) {
                    throw invalid(tensor, "lost bytes of its external data while it was copied");
                }
                done += moved;
            }
        }
    }

    static long neededBytes(TensorProto tensor) {
        long bytes;
        try {
            bytes = OnnxTensors.dataBytes(tensor.toBuilder().clearRawData().build());
        } catch (ArithmeticException e) {
            throw invalid(tensor, "has a shape whose byte size overflows");
        }
        if (bytes <= 0 && OnnxTensors.elementCount(tensor) > 0) {
            throw invalid(tensor, "has an element type whose external data size is unknown");
        }
        return bytes;
    }

    static StringStringEntryProto entryOf(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static String entry(TensorProto tensor, String key) {
        return tensor.getExternalDataList().stream().filter(e -> e.getKey().equals(key))
                .map(StringStringEntryProto::getValue).findFirst().orElse(null);
    }

    private static long number(TensorProto tensor, String key, long absent) {
        String value = entry(tensor, key);
        if (value == null) {
            return absent;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(tensor, "has the external data " + key + " '" + value + "', which is not a number");
        }
    }

    private static String shortened(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

    private static InvalidModelException invalid(TensorProto tensor, String problem) {
        return new InvalidModelException("tensor '" + tensor.getName() + "' " + problem);
    }
}
