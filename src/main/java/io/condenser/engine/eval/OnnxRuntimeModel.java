package io.condenser.engine.eval;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.condenser.engine.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** An ONNX model loaded into ONNX Runtime through DJL's OnnxRuntime engine. */
public final class OnnxRuntimeModel implements ExecutableModel {

    private static final String ENGINE = "OnnxRuntime";

    private final Model model;
    private final OrtSession.SessionOptions sessionOptions;
    private final Block block;

    private OnnxRuntimeModel(Model model, OrtSession.SessionOptions sessionOptions) {
        this.model = model;
        this.sessionOptions = sessionOptions;
        this.block = model.getBlock();
    }

    /**
     * Loads a model file. DJL only attaches ONNX Runtime's CUDA provider when the options map is not null, so one is
     * always passed (FACTS.md).
     */
    public static OnnxRuntimeModel load(Path file, RuntimeSettings settings) throws IOException {
        DjlSettings.apply();
        Device device = settings.device() == ExecutionDevice.GPU ? Device.gpu() : Device.cpu();
        Model model = Model.newInstance(file.getFileName().toString(), device, ENGINE);
        OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
        try {
            // Idle intra-op threads spin by default; with two models timed in turn on few cores, one model's spinning
            // threads steal the other's time (measured: 2.5x slower batch-1 latency for whichever ran second).
            sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            model.load(file, null, Map.of(
                    "sessionOptions", sessionOptions,
                    "intraOpNumThreads", Integer.toString(settings.intraOpThreads()),
                    "interOpNumThreads", "1",
                    "optLevel", "ALL_OPT"));
            return new OnnxRuntimeModel(model, sessionOptions);
        } catch (MalformedModelException | EngineException | OrtException e) {
            close(model, sessionOptions);
            throw new UnsupportedModelException("ONNX Runtime cannot load the model: " + rootMessage(e));
        } catch (IOException | RuntimeException e) {
            close(model, sessionOptions);
            throw e;
        }
    }

    @Override
    public NDManager newSubManager() {
        return model.getNDManager().newSubManager();
    }

    @Override
    public NDList forward(NDList inputs) {
        try {
            return block.forward(new ParameterStore(inputs.getManager(), false), inputs, false);
        } catch (EngineException e) {
            throw new UnsupportedModelException("ONNX Runtime failed to run the model: " + rootMessage(e));
        }
    }

    @Override
    public void close() {
        close(model, sessionOptions);
    }

    private static void close(Model model, OrtSession.SessionOptions sessionOptions) {
        model.close();
        sessionOptions.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
