package io.condenser.model;

import io.condenser.engine.eval.ModuleParameters;
import io.condenser.engine.onnx.ModelInspection;
import io.condenser.engine.onnx.TensorSignature;
import java.util.List;
import java.util.Map;

/**
 * The part of an engine inspection kept with a model, as stored (JSON) and shown by the API.
 *
 * @param parameterNames a TorchScript model's parameters; null for an ONNX model, whose graph says more
 */
public record InspectionSummary(
        long irVersion,
        Map<String, Long> opsets,
        String producer,
        List<TensorSummary> inputs,
        List<TensorSummary> outputs,
        Map<String, Integer> operators,
        int nodeCount,
        long parameterCount,
        long initializerBytes,
        List<String> parameterNames) {

    /** A graph input or output; dimensions are sizes, symbolic names, or "?". */
    public record TensorSummary(String name, String elementType, List<String> shape) {
        static TensorSummary of(TensorSignature signature) {
            return new TensorSummary(signature.name(), signature.elementTypeName(),
                    signature.shape().stream().map(Object::toString).toList());
        }
    }

    public static InspectionSummary of(ModelInspection inspection) {
        return new InspectionSummary(inspection.irVersion(), inspection.opsets(), inspection.producer(),
                inspection.inputs().stream().map(TensorSummary::of).toList(),
                inspection.outputs().stream().map(TensorSummary::of).toList(),
                inspection.operators(), inspection.nodeCount(), inspection.parameterCount(),
                inspection.initializerBytes(), null);
    }

    /** A TorchScript module declares no shapes or operators, only its parameters. */
    public static InspectionSummary of(ModuleParameters parameters) {
        return new InspectionSummary(0, Map.of(), null, List.of(), List.of(), Map.of(), 0, parameters.count(),
                parameters.bytes(), parameters.names());
    }
}
