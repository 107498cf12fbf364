package io.condenser.engine.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * What a TorchScript module holds, the part of an inspection it can give: it declares no input shapes and no operator
 * signatures, only its parameters.
 *
 * @param names as PyTorch names them ({@code fc1.weight}), in the module's order
 */
public record ModuleParameters(long count, long bytes, List<String> names) {

    public ModuleParameters {
        names = List.copyOf(names);
    }

    public static ModuleParameters of(Block block) {
        long count = 0;
        long bytes = 0;
        List<String> names = new ArrayList<>();
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            NDArray array = parameter.getValue().getArray();
            count += array.size();
            bytes += array.size() * array.getDataType().getNumOfBytes();
            names.add(parameter.getKey());
        }
        return new ModuleParameters(count, bytes, names);
    }
}
