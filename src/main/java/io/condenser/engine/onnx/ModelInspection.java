package io.condenser.engine.onnx;

import java.util.List;
import java.util.Map;

/**
 * What a model is: its versions, interface, operators and size.
 *
 * @param parameterCount elements of the initializers that hold values rather than shapes or indices
 *                       (see {@link OnnxTensors#isParameterType})
 * @param initializerBytes bytes the initializers' values take
 */
public record ModelInspection(
        long irVersion,
        Map<String, Long> opsets,
        String producer,
        List<TensorSignature> inputs,
        List<TensorSignature> outputs,
        Map<String, Integer> operators,
        int nodeCount,
        long parameterCount,
        long initializerBytes) {

    public ModelInspection {
        opsets = Map.copyOf(opsets);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        operators = Map.copyOf(operators);
    }

    /** The version of the default ONNX operator set, 0 when the model imports none. */
    public long defaultOpset() {
        return opsets.getOrDefault(OnnxDomains.DEFAULT, 0L);
    }
}
