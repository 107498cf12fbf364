package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Describes a model without running it. */
public final class ModelInspector {

    private ModelInspector() {
    }

    public static ModelInspection inspect(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, Long> opsets = opsets(model);
        Map<String, Integer> operators = new TreeMap<>();
        for (NodeProto node : graph.getNodeList()) {
            String domain = OnnxDomains.normalize(node.getDomain());
            String key = domain.isEmpty() ? node.getOpType() : domain + "." + node.getOpType();
            operators.merge(key, 1, Integer::sum);
        }
        long parameters = 0;
        long bytes = 0;
        for (TensorProto initializer : graph.getInitializerList()) {
            if (OnnxTensors.isParameterType(initializer.getDataType())) {
                parameters += OnnxTensors.elementCount(initializer);
            }
            bytes += OnnxTensors.dataBytes(initializer);
        }
        Set<String> initializerNames = graph.getInitializerList().stream()
                .map(TensorProto::getName).collect(Collectors.toSet());
        String producer = (model.getProducerName() + " " + model.getProducerVersion()).trim();
        return new ModelInspection(
                model.getIrVersion(),
                opsets,
                producer,
                graph.getInputList().stream()
                        .filter(i -> !initializerNames.contains(i.getName()))
                        .map(TensorSignature::of).toList(),
                graph.getOutputList().stream().map(TensorSignature::of).toList(),
                operators,
                graph.getNodeCount(),
                parameters,
                bytes);
    }

    /** The version of the default ONNX operator set, 0 when the model imports none; without a full inspection. */
    public static long defaultOpset(ModelProto model) {
        return opsets(model).getOrDefault(OnnxDomains.DEFAULT, 0L);
    }

    private static Map<String, Long> opsets(ModelProto model) {
        Map<String, Long> opsets = new TreeMap<>();
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            opsets.merge(OnnxDomains.normalize(opset.getDomain()), opset.getVersion(), Math::max);
        }
        return opsets;
    }
}
