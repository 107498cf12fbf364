package io.condenser.engine.graph;

import ai.djl.ndarray.NDManager;

/**
 * What an operator may need besides its inputs while the graph runs.
 *
 * @param manager  where arrays an operator creates from host values (shapes, masks) belong
 * @param training whether this is a training forward pass (batch statistics, dropout)
 */
public record OpContext(NDManager manager, boolean training) {
}
