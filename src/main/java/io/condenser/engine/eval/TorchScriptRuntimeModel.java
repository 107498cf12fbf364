package io.condenser.engine.eval;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.condenser.engine.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A TorchScript model ({@code .pt}) loaded into DJL's libtorch for inference only: read-only parameters, no
 * gradients. Its inputs carry no names or shapes; whoever runs it feeds it what it was traced or scripted for.
 */
public final class TorchScriptRuntimeModel implements ExecutableModel {

    private static final String ENGINE = "PyTorch";

    private final Model model;

    private TorchScriptRuntimeModel(Model model) {
        this.model = model;
    }

    /** @throws UnsupportedModelException when libtorch cannot load the file */
    public static TorchScriptRuntimeModel load(Path file, RuntimeSettings settings) throws IOException {
        DjlSettings.apply();
        Device device = settings.device() == ExecutionDevice.GPU ? Device.gpu() : Device.cpu();
        Model model = Model.newInstance(file.getFileName().toString(), device, ENGINE);
        try {
            model.load(file);
            return new TorchScriptRuntimeModel(model);
        } catch (MalformedModelException | EngineException e) {
            model.close();
            throw new UnsupportedModelException("libtorch cannot load the TorchScript model: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public ModuleParameters parameters() {
        return ModuleParameters.of(model.getBlock());
    }

    @Override
    public NDManager newSubManager() {
        return model.getNDManager().newSubManager();
    }

    @Override
    public NDList forward(NDList inputs) {
        try {
            return model.getBlock().forward(new ParameterStore(inputs.getManager(), false), inputs, false);
        } catch (EngineException e) {
            throw new UnsupportedModelException("libtorch failed to run the TorchScript model: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
