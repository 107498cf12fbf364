package io.condenser.engine.graph;

import ai.djl.ndarray.NDArray;

/**
 * Applied to chosen tensors (graph inputs and node outputs) where they are produced, so that every consumer reads the
 * transformed value (e.g. fake-quantized activations, as a QuantizeLinear/DequantizeLinear pair after the producer).
 */
public interface TensorTransform {

    TensorTransform NONE = new TensorTransform() {
        @Override
        public boolean transforms(String tensor) {
            return false;
        }

        @Override
        public NDArray apply(String tensor, NDArray value, boolean training) {
            return value;
        }
    };

    /** Asked once per tensor when the block is built. */
    boolean transforms(String tensor);

    NDArray apply(String tensor, NDArray value, boolean training);
}
