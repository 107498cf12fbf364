package io.condenser.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A run's state after an epoch and its weights by parameter name, to resume it. The format is this class's own: a
 * header, the {@link LoopState} fields, then each parameter as its name and DJL's own encoding of the array
 * ({@link NDArray#encode()}: type, shape, raw values). The optimizer's state is not in it: DJL keeps momentum and
 * Adam's moments private, so a resumed run starts them afresh (plain SGD continues exactly; see
 * {@link TrainingLoop#resumeFrom}).
 *
 * @param parameters each parameter's encoded array, in the block's order
 */
public record TrainingCheckpoint(LoopState state, Map<String, byte[]> parameters) {

    private static final String MAGIC = "condenser-training-checkpoint";
    private static final int VERSION = 1;

    public TrainingCheckpoint {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Writes the state and the block's current parameter values; does not close {@code out}. */
    static void write(OutputStream out, LoopState state, Block block) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        data.writeUTF(MAGIC);
        data.writeInt(VERSION);
        data.writeInt(state.completedEpochs());
        data.writeLong(state.steps());
        data.writeDouble(state.bestValidationLoss());
        data.writeInt(state.bestEpoch());
        data.writeInt(state.epochsWithoutImprovement());
        data.writeLong(state.seed());
        data.writeInt(state.batchSize());
        data.writeInt(state.trainSamples());
        data.writeInt(state.validationSamples());
        data.writeInt(block.getParameters().size());
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            byte[] encoded = parameter.getValue().getArray().encode();
            data.writeUTF(parameter.getKey());
            data.writeInt(encoded.length);
            data.write(encoded);
        }
        data.flush();
    }

    /** @throws IncompatibleCheckpointException when the stream is not a checkpoint of this format */
    public static TrainingCheckpoint read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            if (!MAGIC.equals(data.readUTF()) || data.readInt() != VERSION) {
                throw new IncompatibleCheckpointException("not a training checkpoint of version " + VERSION);
            }
            LoopState state = new LoopState(data.readInt(), data.readLong(), data.readDouble(), data.readInt(),
                    data.readInt(), data.readLong(), data.readInt(), data.readInt(), data.readInt());
            int count = data.readInt();
            Map<String, byte[]> parameters = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = data.readUTF();
                int length = data.readInt();
                if (length < 0) {
                    throw new IncompatibleCheckpointException("parameter " + name + " declares " + length + " bytes");
                }
                parameters.put(name, data.readNBytes(length));
                if (parameters.get(name).length != length) {
                    throw new EOFException("the checkpoint ends inside parameter " + name);
                }
            }
            return new TrainingCheckpoint(state, parameters);
        } catch (EOFException e) {
            throw new IncompatibleCheckpointException("the checkpoint is truncated: " + e.getMessage());
        }
    }

    /**
     * Copies the saved values into the block's parameters.
     *
     * @throws IncompatibleCheckpointException unless the names, types and shapes are exactly the block's
     */
    void restoreInto(Block block, NDManager manager) {
        Set<String> names = new LinkedHashSet<>(block.getParameters().keys());
        if (!names.equals(parameters.keySet())) {
            throw new IncompatibleCheckpointException("the checkpoint holds the parameters " + parameters.keySet()
                    + "; the model has " + names);
        }
        try (NDManager scope = manager.newSubManager()) {
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                NDArray target = parameter.getValue().getArray();
                NDArray saved = NDArray.decode(scope, parameters.get(parameter.getKey()));
                if (!saved.getShape().equals(target.getShape()) || saved.getDataType() != target.getDataType()) {
                    throw new IncompatibleCheckpointException("parameter " + parameter.getKey() + " is "
                            + saved.getDataType() + " " + saved.getShape() + " in the checkpoint and "
                            + target.getDataType() + " " + target.getShape() + " in the model");
                }
                target.set(saved.toByteBuffer());
            }
        }
    }
}
