package io.condenser.engine.eval;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A model loaded for inference on one of DJL's engines (an ONNX model on ONNX Runtime, a TorchScript module on
 * libtorch): what {@link ModelComparison} runs and times, whatever the format.
 */
public interface ExecutableModel extends AutoCloseable {

    /** Runs the model once; the native memory of inputs and outputs is released before this returns. */
    List<HostTensor> run(List<HostTensor> inputs);

    /** Inputs copied into native memory once, for repeated timed runs. */
    PreparedInputs prepare(List<HostTensor> inputs);

    /** Runs the model on prepared inputs and returns the wall time of the run in nanoseconds. */
    long timedRun(PreparedInputs inputs);

    @Override
    void close();

    /** Inputs held in native memory; closing releases them. */
    record PreparedInputs(NDManager manager, NDList arrays) implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }
}
