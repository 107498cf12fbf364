package io.condenser.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's state after an epoch, its weights by parameter name, and, for a run that keeps its best weights, those of
 * its best epoch so far, to resume it. The format is this class's own: a header with the version, the
 * {@link LoopState} fields, each parameter as its name and DJL's own encoding of the array ({@link NDArray#encode()}:
 * type, shape, raw values), then a marker for the best weights: none, the same as the weights above (the checkpoint's
 * epoch is the best), or their own list of parameters. The optimizer's state is not in it: DJL keeps momentum and
 * Adam's moments private, so a resumed run starts them afresh (plain SGD continues exactly; see
 * {@link TrainingLoop#resumeFrom}).
 *
 * @param parameters     each parameter's encoded array, in the block's order
 * @param bestParameters the same for the weights of epoch {@code state().bestEpoch()} (0: the starting weights);
 *                       empty for a run that does not keep its best weights
 */
public record TrainingCheckpoint(LoopState state, Map<String, byte[]> parameters,
                                 Map<String, byte[]> bestParameters) {

    private static final String MAGIC = "condenser-training-checkpoint";
    /**
     * 2 added the best weights and the best epoch's validation accuracy: a version 1 checkpoint can tell neither which
     * weights a keep-best run would restore nor which epoch is best.
     */
    private static final int VERSION = 2;
    private static final byte NO_BEST_WEIGHTS = 0;
    private static final byte BEST_WEIGHTS_ARE_THE_WEIGHTS = 1;
    private static final byte BEST_WEIGHTS_FOLLOW = 2;

    public TrainingCheckpoint {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        bestParameters = Collections.unmodifiableMap(new LinkedHashMap<>(bestParameters));
    }

    /** Whether the run that wrote it keeps its best weights (and the checkpoint holds them). */
    public boolean keepsBestWeights() {
        return !bestParameters.isEmpty();
    }

    /**
     * Writes the state, the block's current parameter values and the best weights; does not close {@code out}.
     *
     * @param bestWeights the weights of {@code state.bestEpoch()}; null for a run that does not keep them
     */
    static void write(OutputStream out, LoopState state, Block block, Map<String, byte[]> bestWeights)
            throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        data.writeUTF(MAGIC);
        data.writeInt(VERSION);
        data.writeInt(state.completedEpochs());
        data.writeLong(state.steps());
        data.writeDouble(state.bestValidationAccuracy());
        data.writeDouble(state.bestValidationLoss());
        data.writeInt(state.bestEpoch());
        data.writeInt(state.epochsWithoutImprovement());
        data.writeLong(state.seed());
        data.writeInt(state.batchSize());
        data.writeInt(state.trainSamples());
        data.writeInt(state.validationSamples());
        EncodedParameters.write(data, EncodedParameters.of(block));
        if (bestWeights == null) {
            data.writeByte(NO_BEST_WEIGHTS);
        } else if (state.bestEpoch() == state.completedEpochs()) {
            data.writeByte(BEST_WEIGHTS_ARE_THE_WEIGHTS);
        } else {
            data.writeByte(BEST_WEIGHTS_FOLLOW);
            EncodedParameters.write(data, bestWeights);
        }
        data.flush();
    }

    /** @throws IncompatibleCheckpointException when the stream is not a checkpoint of this format and version */
    public static TrainingCheckpoint read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            if (!MAGIC.equals(data.readUTF())) {
                throw new IncompatibleCheckpointException("not a training checkpoint");
            }
            int version = data.readInt();
            if (version != VERSION) {
                throw new IncompatibleCheckpointException("a training checkpoint of version " + version + "; this"
                        + " version of Condenser reads version " + VERSION + " only");
            }
            LoopState state = new LoopState(data.readInt(), data.readLong(), data.readDouble(), data.readDouble(),
                    data.readInt(), data.readInt(), data.readLong(), data.readInt(), data.readInt(), data.readInt());
            Map<String, byte[]> parameters = EncodedParameters.read(data);
            byte best = data.readByte();
            Map<String, byte[]> bestParameters = switch (best) {
                case NO_BEST_WEIGHTS -> Map.of();
                case BEST_WEIGHTS_ARE_THE_WEIGHTS -> parameters;
                case BEST_WEIGHTS_FOLLOW -> EncodedParameters.read(data);
                default -> throw new IncompatibleCheckpointException("unknown best-weights marker " + best);
            };
            return new TrainingCheckpoint(state, parameters, bestParameters);
        } catch (EOFException e) {
            throw new IncompatibleCheckpointException("the checkpoint is truncated: " + e.getMessage());
        }
    }

    /**
     * @throws IncompatibleCheckpointException when the run that wrote it split or shuffled the data differently, or
     *                                         kept its best weights where this run does not, or the other way round
     */
    void checkResumableWith(TrainingOptions options, DataSplit split) {
        state.checkResumableWith(options, split);
        boolean keepBest = options.validation().keepBestWeights();
        if (keepBest != keepsBestWeights()) {
            throw new IncompatibleCheckpointException("the checkpoint comes from a run that "
                    + (keepsBestWeights() ? "kept" : "did not keep") + " its best weights; this run "
                    + (keepBest ? "keeps" : "does not keep") + " them");
        }
    }

    /**
     * Copies the saved values into the block's parameters.
     *
     * @throws IncompatibleCheckpointException unless the names, types and shapes are exactly the block's
     */
    void restoreInto(Block block, NDManager manager) {
        EncodedParameters.restore(parameters, block, manager, "the checkpoint");
    }
}
