package io.condenser.engine.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.ExecutionDevice;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A TorchScript model ({@code .pt}, as {@code torch.jit.save} writes it) loaded into DJL's libtorch with trainable
 * parameters, and written back as TorchScript. TorchScript inputs carry no shapes: whoever trains it says what one
 * sample looks like.
 */
public final class TorchScriptModel implements AutoCloseable {

    private final Model model;

    private TorchScriptModel(Model model) {
        this.model = model;
    }

    /**
     * Loads with {@code trainParam}: a plain load gives read-only inference tensors that cannot be trained
     * (FACTS.md).
     *
     * @throws UnsupportedModelException when libtorch cannot load the file
     * @throws DeviceUnavailableException for a GPU the engine does not have
     */
    public static TorchScriptModel load(Path file, ExecutionDevice device) throws IOException {
        Model model = Model.newInstance(file.getFileName().toString(), TrainingEngine.device(device),
                TrainingEngine.NAME);
        try {
            model.load(file, null, Map.of("trainParam", "true"));
            return new TorchScriptModel(model);
        } catch (MalformedModelException | EngineException e) {
            model.close();
            throw new UnsupportedModelException("libtorch cannot load the TorchScript model: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The module; its parameters, named as PyTorch names them ({@code fc1.weight}), are the ones training updates. */
    public Block block() {
        return model.getBlock();
    }

    /**
     * Writes the module, with its current parameter values, as a TorchScript archive. The module is put in inference
     * mode first, the mode a saved model is used in; do not train this instance further after saving (load the saved
     * file instead), because DJL keeps its own copy of the mode.
     */
    public void save(OutputStream out) {
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        JniUtils.enableInferenceMode(block);
        JniUtils.writeModule(block, out, false);
    }

    @Override
    public void close() {
        model.close();
    }
}
