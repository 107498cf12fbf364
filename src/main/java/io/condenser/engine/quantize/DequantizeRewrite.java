package io.condenser.engine.quantize;

import static io.condenser.engine.onnx.OnnxNodes.attribute;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.onnx.UniqueNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Rewrites a graph so that chosen nodes read their weight through DequantizeLinear from an integer initializer; the
 * node itself (and so Gemm's alpha, beta, bias and transposition) is kept as it was. A weight read by several nodes in
 * the same layout is encoded once; the float initializer goes when no node reads it any more.
 */
final class DequantizeRewrite {

    private final GraphProto original;
    private final UniqueNames names;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, TensorProto> addedInitializers = new LinkedHashMap<>();
    private final Map<String, String> dequantizedByLayout = new HashMap<>();

    DequantizeRewrite(ModelProto model) {
        this.original = model.getGraph();
        this.names = new UniqueNames(original);
    }

    void keep(NodeProto node) {
        nodes.add(node);
    }

    /**
     * Emits the node reading its weight dequantized; the weight is encoded on its first use in this layout.
     *
     * @return the new encoding, or empty when an earlier node already encoded this weight in this layout
     */
    Optional<EncodedWeight> replaceWeight(NodeProto node, WeightSlot slot,
                                          Function<WeightSlot, EncodedWeight> encoder) {
        String dequantized = dequantizedByLayout.get(slot.layoutKey());
        EncodedWeight encoded = null;
        if (dequantized == null) {
            encoded = encoder.apply(slot);
            dequantized = emitDequantize(slot.weight().getName(), encoded);
            dequantizedByLayout.put(slot.layoutKey(), dequantized);
        }
        nodes.add(node.toBuilder().setInput(WeightSlot.INPUT, dequantized).build());
        return Optional.ofNullable(encoded);
    }

    private String emitDequantize(String weight, EncodedWeight encoded) {
        String values = addInitializer(encoded.type().tensor("", encoded.dims(), encoded.values()),
                weight + "_quantized");
        String scale = addInitializer(OnnxTensors.floatTensor("", encoded.scaleDims(), encoded.scales()),
                weight + "_scale");
        List<String> inputs = new ArrayList<>(List.of(values, scale));
        if (encoded.zeroPoints() != null) {
            inputs.add(addInitializer(encoded.type().tensor("", encoded.scaleDims(), encoded.zeroPoints()),
                    weight + "_zero_point"));
        }
        List<AttributeProto> attributes = new ArrayList<>();
        if (encoded.axis() >= 0) {
            attributes.add(attribute("axis", (long) encoded.axis()));
        }
        if (encoded.blockSize() > 0) {
            attributes.add(attribute("block_size", (long) encoded.blockSize()));
        }
        String output = names.next(weight + "_dequantized");
        nodes.add(OnnxNodes.node("DequantizeLinear", names.next(weight + "_DequantizeLinear"), inputs,
                List.of(output), attributes.toArray(AttributeProto[]::new)));
        return output;
    }

    private String addInitializer(TensorProto tensor, String baseName) {
        String name = names.next(baseName);
        addedInitializers.put(name, tensor.toBuilder().setName(name).build());
        return name;
    }

    /** The model with the emitted nodes, without the initializers no node reads any more. */
    ModelProto build(ModelProto model, String description) {
        Set<String> referenced = new HashSet<>();
        nodes.forEach(n -> referenced.addAll(GraphIndex.referencedNames(n)));
        original.getOutputList().forEach(o -> referenced.add(o.getName()));
        List<TensorProto> kept = original.getInitializerList().stream()
                .filter(t -> referenced.contains(t.getName())).toList();
        Set<String> unread = new HashSet<>();
        original.getInitializerList().stream().map(TensorProto::getName)
                .filter(n -> !referenced.contains(n)).forEach(unread::add);
        List<ValueInfoProto> inputs = original.getInputList().stream()
                .filter(i -> !unread.contains(i.getName())).toList();
        List<ValueInfoProto> valueInfo = original.getValueInfoList().stream()
                .filter(i -> !unread.contains(i.getName())).toList();
        GraphProto graph = original.toBuilder()
                .clearNode().addAllNode(nodes)
                .clearInitializer().addAllInitializer(kept).addAllInitializer(addedInitializers.values())
                .clearInput().addAllInput(inputs)
                .clearValueInfo().addAllValueInfo(valueInfo)
                .build();
        return model.toBuilder().setGraph(graph)
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("condenser.quantization")
                        .setValue(description))
                .build();
    }
}
