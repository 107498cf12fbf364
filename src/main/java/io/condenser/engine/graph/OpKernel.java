package io.condenser.engine.graph;

import ai.djl.ndarray.NDArray;

/** One compiled ONNX node: its attributes are read once, and it runs on NDArrays so that autograd sees every step. */
@FunctionalInterface
public interface OpKernel {

    /**
     * @param inputs the node's inputs in order; null where an optional input is absent
     * @return the node's outputs in order (a kernel may return fewer than the node names when those are unused)
     */
    NDArray[] run(NDArray[] inputs, OpContext context);
}
