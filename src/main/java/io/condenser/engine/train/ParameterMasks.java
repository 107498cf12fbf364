package io.condenser.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which entries of which parameters must stay zero (pruned weights while fine-tuning): per parameter name, one flag per
 * entry in row-major order, true where the entry is kept. Masked entries are zeroed before training and again right
 * after every optimizer update.
 */
public final class ParameterMasks {

    private static final ParameterMasks NONE = new ParameterMasks(Map.of());

    private final Map<String, boolean[]> keep;

    private ParameterMasks(Map<String, boolean[]> keep) {
        this.keep = keep;
    }

    public static ParameterMasks none() {
        return NONE;
    }

    /** @param keep per parameter name, true for each entry that may be non-zero */
    public static ParameterMasks of(Map<String, boolean[]> keep) {
        Map<String, boolean[]> copy = new LinkedHashMap<>();
        keep.forEach((name, flags) -> copy.put(name, flags.clone()));
        return new ParameterMasks(copy);
    }

    public boolean isEmpty() {
        return keep.isEmpty();
    }

    /**
     * Zeroes the masked entries of the block's parameters now and returns an optimizer that keeps them zero.
     *
     * @param manager owns the masks' arrays; they must live as long as the optimizer is used
     * @throws IllegalArgumentException when a mask names no parameter of the block or has the wrong size
     */
    Optimizer apply(Block block, Optimizer optimizer, NDManager manager) {
        Map<String, NDArray> masksById = new HashMap<>();
        for (Map.Entry<String, boolean[]> mask : keep.entrySet()) {
            Parameter parameter = block.getParameters().get(mask.getKey());
            if (parameter == null) {
                throw new IllegalArgumentException("a mask names '" + mask.getKey() + "', which is no parameter of the"
                        + " model; it has " + block.getParameters().keys());
            }
            NDArray values = parameter.getArray();
            if (values.size() != mask.getValue().length) {
                throw new IllegalArgumentException("the mask of '" + mask.getKey() + "' has " + mask.getValue().length
                        + " entries; the parameter has " + values.size() + " " + values.getShape());
            }
            NDArray flags = manager.create(mask.getValue(), values.getShape()).toDevice(values.getDevice(), false)
                    .toType(values.getDataType(), false);
            values.muli(flags);
            masksById.put(parameter.getId(), flags);
        }
        return new MaskedOptimizer(optimizer, masksById);
    }
}
