package io.condenser.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A block's parameter values copied to the heap, by parameter name in the block's order, each in DJL's own encoding of
 * an array ({@link NDArray#encode()}: type, shape, raw values). A copy holds no native memory, so nothing has to be
 * closed, and it is the form checkpoints store.
 */
final class EncodedParameters {

    private EncodedParameters() {
    }

    /** Copies the block's current values. */
    static Map<String, byte[]> of(Block block) {
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            encoded.put(parameter.getKey(), parameter.getValue().getArray().encode());
        }
        return Collections.unmodifiableMap(encoded);
    }

    /**
     * Copies the values into the block's parameters.
     *
     * @param source names where the values come from, for the messages
     * @throws IncompatibleCheckpointException unless the names, types and shapes are exactly the block's
     */
    static void restore(Map<String, byte[]> encoded, Block block, NDManager manager, String source) {
        Set<String> names = new LinkedHashSet<>(block.getParameters().keys());
        if (!names.equals(encoded.keySet())) {
            throw new IncompatibleCheckpointException(source + " holds the parameters " + encoded.keySet()
                    + "; the model has " + names);
        }
        try (NDManager scope = manager.newSubManager()) {
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                NDArray target = parameter.getValue().getArray();
                NDArray saved = NDArray.decode(scope, encoded.get(parameter.getKey()));
                if (!saved.getShape().equals(target.getShape()) || saved.getDataType() != target.getDataType()) {
                    throw new IncompatibleCheckpointException("parameter " + parameter.getKey() + " is "
                            + saved.getDataType() + " " + saved.getShape() + " in " + source + " and "
                            + target.getDataType() + " " + target.getShape() + " in the model");
                }
                target.set(saved.toByteBuffer());
            }
        }
    }

    static void write(DataOutputStream out, Map<String, byte[]> encoded) throws IOException {
        out.writeInt(encoded.size());
        for (Map.Entry<String, byte[]> parameter : encoded.entrySet()) {
            out.writeUTF(parameter.getKey());
            out.writeInt(parameter.getValue().length);
            out.write(parameter.getValue());
        }
    }

    /**
     * @throws EOFException                    when the stream ends inside the parameters
     * @throws IncompatibleCheckpointException when a length is impossible
     */
    static Map<String, byte[]> read(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IncompatibleCheckpointException("the checkpoint declares " + count + " parameters");
        }
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int length = in.readInt();
            if (length < 0) {
                throw new IncompatibleCheckpointException("parameter " + name + " declares " + length + " bytes");
            }
            byte[] values = in.readNBytes(length);
            if (values.length != length) {
                throw new EOFException("the checkpoint ends inside parameter " + name);
            }
            encoded.put(name, values);
        }
        return Collections.unmodifiableMap(encoded);
    }
}
