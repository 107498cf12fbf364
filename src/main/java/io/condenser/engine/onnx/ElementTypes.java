package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The element type of every tensor of a graph, from its inputs, initializers and Constant nodes forward through the
 * operators' type rules; value_info declarations fill in what the rules do not cover (custom domains). Most ONNX
 * operators give their outputs the type of their first input; the exceptions are listed here.
 */
public final class ElementTypes {

    private static final Set<String> BOOLEAN_RESULTS = Set.of("Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "And", "Or", "Xor", "Not", "IsNaN", "IsInf");
    private static final Set<String> INT64_RESULTS = Set.of("Shape", "Size", "ArgMax", "ArgMin", "NonZero",
            "NonMaxSuppression");

    private final Map<String, DataType> types = new HashMap<>();

    private ElementTypes() {
    }

    public static ElementTypes of(ModelProto model) {
        ElementTypes result = new ElementTypes();
        GraphProto graph = model.getGraph();
        graph.getInputList().forEach(result::declare);
        graph.getInitializerList().forEach(t -> result.types.put(t.getName(), DataType.forNumber(t.getDataType())));
        Map<String, ValueInfoProto> declared = new HashMap<>();
        graph.getValueInfoList().forEach(v -> declared.put(v.getName(), v));
        graph.getOutputList().forEach(v -> declared.put(v.getName(), v));
        for (NodeProto node : graph.getNodeList()) {
            for (int i = 0; i < node.getOutputCount(); i++) {
                String output = node.getOutput(i);
                if (output.isEmpty()) {
                    continue;
                }
                DataType type = result.inferOutput(node, i);
                if (type == null && declared.containsKey(output)) {
                    type = declaredType(declared.get(output));
                }
                if (type != null) {
                    result.types.put(output, type);
                }
            }
        }
        return result;
    }

    /** The tensor's element type, or empty when neither the rules nor a declaration tell it. */
    public Optional<DataType> of(String tensor) {
        return Optional.ofNullable(types.get(tensor));
    }

    public boolean isFloat(String tensor) {
        return types.get(tensor) == DataType.FLOAT;
    }

    private void declare(ValueInfoProto info) {
        DataType type = declaredType(info);
        if (type != null) {
            types.put(info.getName(), type);
        }
    }

    private static DataType declaredType(ValueInfoProto info) {
        if (!info.getType().hasTensorType() || info.getType().getTensorType().getElemType() == 0) {
            return null;
        }
        return DataType.forNumber(info.getType().getTensorType().getElemType());
    }

    private DataType inferOutput(NodeProto node, int output) {
        if (!OnnxDomains.normalize(node.getDomain()).isEmpty()) {
            return null;
        }
        String op = node.getOpType();
        if (BOOLEAN_RESULTS.contains(op)) {
            return DataType.BOOL;
        }
        if (INT64_RESULTS.contains(op)) {
            return DataType.INT64;
        }
        return switch (op) {
            case "Cast" -> typeAttribute(node, "to").orElse(null);
            case "CastLike" -> input(node, 1);
            case "Constant" -> constantType(node);
            case "ConstantOfShape" -> OnnxNodes.find(node, "value").map(a -> DataType.forNumber(a.getT().getDataType()))
                    .orElse(DataType.FLOAT);
            case "RandomNormal", "RandomUniform" -> typeAttribute(node, "dtype").orElse(DataType.FLOAT);
            case "EyeLike", "RandomNormalLike", "RandomUniformLike", "Bernoulli" ->
                    typeAttribute(node, "dtype").orElseGet(() -> input(node, 0));
            case "Multinomial" -> typeAttribute(node, "dtype").orElse(DataType.INT32);
            case "Where" -> input(node, 1);
            case "OneHot" -> input(node, 2);
            case "TopK", "MaxPool", "Unique" -> output == 0 ? input(node, 0) : DataType.INT64;
            case "Dropout" -> output == 0 ? input(node, 0) : DataType.BOOL;
            // Mean and inverse standard deviation are computed in stash_type, float unless set otherwise.
            case "LayerNormalization" -> output == 0 ? input(node, 0)
                    : typeAttribute(node, "stash_type").orElse(DataType.FLOAT);
            case "DequantizeLinear" -> input(node, 1);
            case "QuantizeLinear" -> node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                    ? input(node, 2) : typeAttribute(node, "output_dtype").orElse(DataType.UINT8);
            case "DynamicQuantizeLinear" -> output == 1 ? DataType.FLOAT : DataType.UINT8;
            case "MatMulInteger", "ConvInteger" -> DataType.INT32;
            case "QLinearMatMul", "QLinearConv" -> input(node, 7);
            case "If" -> subgraphOutput(node, "then_branch", output);
            case "Loop" -> subgraphOutput(node, "body", output + 1);
            case "Scan" -> subgraphOutput(node, "body", output);
            default -> input(node, 0);
        };
    }

    private DataType input(NodeProto node, int index) {
        return index < node.getInputCount() ? types.get(node.getInput(index)) : null;
    }

    private static Optional<DataType> typeAttribute(NodeProto node, String name) {
        return OnnxNodes.find(node, name).map(a -> DataType.forNumber((int) a.getI()));
    }

    private static DataType constantType(NodeProto node) {
        for (AttributeProto attribute : node.getAttributeList()) {
            switch (attribute.getName()) {
                case "value" -> {
                    return DataType.forNumber(attribute.getT().getDataType());
                }
                case "value_float", "value_floats" -> {
                    return DataType.FLOAT;
                }
                case "value_int", "value_ints" -> {
                    return DataType.INT64;
                }
                case "value_string", "value_strings" -> {
                    return DataType.STRING;
                }
                case "sparse_value" -> {
                    TensorProto values = attribute.getSparseTensor().getValues();
                    return DataType.forNumber(values.getDataType());
                }
                default -> {
                }
            }
        }
        return null;
    }

    private static DataType subgraphOutput(NodeProto node, String attribute, int output) {
        return OnnxNodes.find(node, attribute).map(AttributeProto::getG)
                .map(GraphProto::getOutputList)
                .filter(outputs -> output < outputs.size())
                .map((List<ValueInfoProto> outputs) -> declaredType(outputs.get(output)))
                .orElse(null);
    }
}
