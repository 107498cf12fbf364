package io.condenser.engine.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.condenser.engine.eval.DjlSettings;
import io.condenser.engine.eval.ExecutionDevice;

/**
 * The engine training runs on: DJL's PyTorch engine, named explicitly because ONNX Runtime is on the class path too
 * and cannot train.
 */
final class TrainingEngine {

    static final String NAME = "PyTorch";

    private TrainingEngine() {
    }

    static Engine get() {
        DjlSettings.apply();
        return Engine.getEngine(NAME);
    }

    /**
     * Starts the engine with Condenser's settings, readies the calling thread for training and picks the device.
     *
     * @throws DeviceUnavailableException for a GPU the engine does not see: DJL hands out gpu(0) even then, and
     *                                    operations on it fail later (FACTS.md)
     */
    static Device device(ExecutionDevice requested) {
        Engine engine = get();
        // libtorch records gradients per thread and starts each thread with recording on; DJL turns it off only on the
        // thread that started the engine, and its gradient collectors switch it on and off around each batch. On any
        // other thread (a worker's job thread) the in-place updates of parameters outside a collector (masks, restored
        // best weights) would fail with "a leaf Variable that requires grad is being used in an in-place operation".
        JniUtils.setGradMode(false);
        if (requested == ExecutionDevice.CPU) {
            return Device.cpu();
        }
        if (engine.getGpuCount() < 1) {
            throw new DeviceUnavailableException("training on a GPU was requested, but the " + NAME + " engine of this"
                    + " process sees no GPU (it needs a CUDA build of libtorch and a driver); train on the CPU or run"
                    + " on a GPU worker");
        }
        return Device.gpu();
    }
}
