package io.condenser.engine.eval;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import java.util.Set;

/** What this process can run models on, as the loaded native runtime reports it (never assumed). */
public final class EngineCapabilities {

    private EngineCapabilities() {
    }

    public static Set<ExecutionDevice> devices() {
        DjlSettings.apply();
        Set<ExecutionDevice> devices = EnumSet.of(ExecutionDevice.CPU);
        try {
            if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                devices.add(ExecutionDevice.GPU);
            }
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("ONNX Runtime's native library could not be loaded: " + e, e);
        }
        return devices;
    }
}
