package io.condenser.engine.graph;

import java.util.Objects;

/**
 * Hooks of an {@link OnnxGraphBlock} for methods that train a changed model (quantization-aware training, pruning).
 *
 * @param parameters applied to every parameter where it is read
 * @param tensors    applied to the tensors it chooses where they are produced
 */
public record GraphBlockOptions(ParameterTransform parameters, TensorTransform tensors) {

    public GraphBlockOptions {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(tensors, "tensors");
    }

    /** The graph as written. */
    public static GraphBlockOptions none() {
        return new GraphBlockOptions(ParameterTransform.NONE, TensorTransform.NONE);
    }
}
