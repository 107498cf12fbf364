package io.condenser.engine.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * A model loaded for inference on one of DJL's engines (an ONNX model on ONNX Runtime, a TorchScript module on
 * libtorch): what {@link ModelComparison} runs and times, whatever the format.
 */
public interface ExecutableModel extends AutoCloseable {

    /** A manager for the arrays of one run or one set of prepared inputs; closing it frees their native memory. */
    NDManager newSubManager();

    /**
     * One inference pass of the engine.
     *
     * @throws io.condenser.engine.UnsupportedModelException when the engine fails to run the model
     */
    NDList forward(NDList inputs);

    /** Runs the model once; the native memory of inputs and outputs is released before this returns. */
    default List<HostTensor> run(List<HostTensor> inputs) {
        try (NDManager manager = newSubManager()) {
            NDList outputs = forward(HostTensors.toNd(inputs, manager));
            List<HostTensor> result = new ArrayList<>(outputs.size());
            for (NDArray output : outputs) {
                result.add(HostTensors.toHost(output));
            }
            return result;
        }
    }

    /** Inputs copied into native memory once, for repeated timed runs. */
    default PreparedInputs prepare(List<HostTensor> inputs) {
        NDManager manager = newSubManager();
        return new PreparedInputs(manager, HostTensors.toNd(inputs, manager));
    }

    /** Runs the model on prepared inputs and returns the wall time of the run in nanoseconds. */
    default long timedRun(PreparedInputs inputs) {
        long start = System.nanoTime();
        NDList outputs = forward(inputs.arrays());
        long elapsed = System.nanoTime() - start;
        outputs.close();
        return elapsed;
    }

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
