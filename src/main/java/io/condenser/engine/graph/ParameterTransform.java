package io.condenser.engine.graph;

import ai.djl.ndarray.NDArray;

/**
 * Applied to a parameter's value each time the graph reads it (e.g. fake-quantized weights); the parameter itself, and
 * what {@link OnnxGraphBlock#writeBack()} writes, keep the untransformed values.
 */
@FunctionalInterface
public interface ParameterTransform {

    ParameterTransform NONE = (name, value, training) -> value;

    /** @param name the initializer the parameter comes from */
    NDArray apply(String name, NDArray value, boolean training);
}
