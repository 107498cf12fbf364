package io.condenser.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A graph rebuilt node by node: the nodes in their new order, initializers added on the way and fresh names that do
 * not collide with the original graph. When the model is built, initializers nothing reads any more are dropped, and so
 * are the declarations (inputs, value infos) of tensors that no longer exist.
 */
public final class GraphRewrite {

    private final ModelProto model;
    private final UniqueNames names;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, TensorProto> addedInitializers = new LinkedHashMap<>();

    public GraphRewrite(ModelProto model) {
        this.model = model;
        this.names = new UniqueNames(model.getGraph());
    }

    /** A tensor or node name not used anywhere in the graph yet. */
    public String name(String base) {
        return names.next(base);
    }

    public void add(NodeProto node) {
        nodes.add(node);
    }

    /** Adds the tensor under a fresh name derived from {@code baseName} and returns that name. */
    public String addInitializer(TensorProto tensor, String baseName) {
        String name = names.next(baseName);
        addedInitializers.put(name, tensor.toBuilder().setName(name).build());
        return name;
    }

    /** The rewritten model, with a metadata entry saying what was done to it. */
    public ModelProto build(String metadataKey, String metadataValue) {
        GraphProto original = model.getGraph();
        Set<String> referenced = new HashSet<>();
        Set<String> produced = new HashSet<>();
        for (NodeProto node : nodes) {
            referenced.addAll(GraphIndex.referencedNames(node));
            produced.addAll(node.getOutputList());
        }
        original.getOutputList().forEach(o -> referenced.add(o.getName()));

        GraphProto.Builder graph = original.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
        Set<String> existing = new HashSet<>(produced);
        for (TensorProto initializer : original.getInitializerList()) {
            if (referenced.contains(initializer.getName())) {
                graph.addInitializer(initializer);
                existing.add(initializer.getName());
            }
        }
        graph.addAllInitializer(addedInitializers.values());
        existing.addAll(addedInitializers.keySet());
        Set<String> initializerNames = new HashSet<>();
        original.getInitializerList().forEach(t -> initializerNames.add(t.getName()));
        // Graph inputs that only declared a dropped initializer go with it; real inputs always stay.
        keepOnly(graph.getInputList(), i -> !initializerNames.contains(i.getName()) || existing.contains(i.getName()),
                graph::clearInput, graph::addInput);
        graph.getInputList().forEach(i -> existing.add(i.getName()));
        keepOnly(graph.getValueInfoList(), i -> existing.contains(i.getName()),
                graph::clearValueInfo, graph::addValueInfo);
        if (model.getIrVersion() < 4) {
            // Before IR 4 every initializer must also be declared as a graph input.
            for (TensorProto added : addedInitializers.values()) {
                graph.addInput(OnnxGraphBuilder.valueInfo(added.getName(),
                        DataType.forNumber(added.getDataType()), added.getDimsList().toArray()));
            }
        }
        return model.toBuilder()
                .setGraph(graph)
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey(metadataKey).setValue(metadataValue))
                .build();
    }

    private static void keepOnly(List<ValueInfoProto> infos, Predicate<ValueInfoProto> keep,
                                 Runnable clear, Consumer<ValueInfoProto> add) {
        List<ValueInfoProto> kept = infos.stream().filter(keep).toList();
        clear.run();
        kept.forEach(add);
    }
}
