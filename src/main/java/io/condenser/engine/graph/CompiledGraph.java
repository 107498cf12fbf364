package io.condenser.engine.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * A graph ready to run: every tensor has a slot in an array of values, constants (initializers that are not
 * parameters, Constant nodes, and everything computed from constants alone) are already NDArrays in their slots, and
 * the remaining nodes are steps in graph order.
 *
 * @param constants  one entry per slot, the constant's value or null
 * @param slotNames  the tensor name of each slot
 */
record CompiledGraph(NDArray[] constants, String[] slotNames, List<Input> inputs, List<ParameterSlot> parameters,
                     List<Step> steps, int[] outputSlots, List<String> outputNames) {

    /** @param type the declared element type, or null when the model does not declare one */
    record Input(String name, int slot, DataType type) {
    }

    /** @param initializer the index of the parameter's initializer in the graph */
    record ParameterSlot(Parameter parameter, int slot, int initializer) {
    }

    /** @param inputs slots of the node's inputs, -1 for absent optional ones; @param outputs likewise */
    record Step(OpKernel kernel, int[] inputs, int[] outputs, String description) {
    }
}
