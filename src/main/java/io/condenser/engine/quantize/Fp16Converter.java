package io.condenser.engine.quantize;

import static io.condenser.engine.onnx.OnnxNodes.attribute;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.OnnxDomains;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.onnx.UniqueNames;
import io.condenser.engine.quantize.Fp16Plan.Precision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a float model to fp16 storage and, where {@link Fp16Plan} says so, fp16 compute: float initializers,
 * Constant values, ConstantOfShape values, Cast targets and value_info become fp16; operators kept in fp32 read their
 * inputs through Casts (an fp16 weight cast back is folded by ONNX Runtime when the session loads, so the file still
 * halves). By default the graph's inputs and outputs keep their names and fp32 types, with Casts at the edges.
 */
public final class Fp16Converter {

    /** What {@link #convert} would do; usable before a job is queued. */
    public static Fp16Plan plan(ModelProto model, Fp16Options options) {
        return Fp16Plan.of(model, options);
    }

    public ConvertedModel<Fp16Report> convert(ModelProto model, Fp16Options options, TaskMonitor monitor) {
        Fp16Plan plan = plan(model, options);
        Rewrite rewrite = new Rewrite(model, plan, options);
        List<NodeProto> nodes = model.getGraph().getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            monitor.checkCancelled();
            rewrite.node(nodes.get(i), plan.precision(i));
            monitor.progress((double) (i + 1) / nodes.size(), "converting to fp16");
        }
        ModelProto converted = rewrite.build();
        Fp16Report report = new Fp16Report(plan.counts(model, Precision.FP16), plan.counts(model, Precision.FP32),
                plan.skipped(), rewrite.convertedTensors, rewrite.half.values(), rewrite.half.clamped(),
                rewrite.half.flushedToZero(), rewrite.casts);
        return new ConvertedModel<>(converted, report);
    }

    /** The state of one conversion: emitted nodes, the precision each float tensor physically has, shared Casts. */
    private static final class Rewrite {
        private final ModelProto model;
        private final Fp16Plan plan;
        private final Fp16Options options;
        private final UniqueNames names;
        private final HalfConversion half = new HalfConversion();
        private final List<NodeProto> nodes = new ArrayList<>();
        private final Map<String, Precision> physical = new HashMap<>();
        private final Map<String, String> castCache = new HashMap<>();
        private int convertedTensors;
        private int casts;

        Rewrite(ModelProto model, Fp16Plan plan, Fp16Options options) {
            this.model = model;
            this.plan = plan;
            this.options = options;
            this.names = new UniqueNames(model.getGraph());
            GraphProto graph = model.getGraph();
            Precision io = options.keepIoTypes() ? Precision.FP32 : Precision.FP16;
            graph.getInputList().forEach(i -> physical.put(i.getName(), io));
            for (TensorProto initializer : graph.getInitializerList()) {
                physical.put(initializer.getName(),
                        plan.convertsInitializer(initializer.getName()) ? Precision.FP16 : Precision.FP32);
            }
        }

        void node(NodeProto node, Precision precision) {
            if (node.getOpType().equals("Constant") && OnnxDomains.normalize(node.getDomain()).isEmpty()) {
                nodes.add(constant(node));
                return;
            }
            if (precision == null) {
                nodes.add(node);
                return;
            }
            NodeProto.Builder builder = node.toBuilder();
            for (int i = 0; i < node.getInputCount(); i++) {
                String input = node.getInput(i);
                if (plan.types().isFloat(input)) {
                    Precision needed = Fp16Plan.floatOnlyInput(node, i) ? Precision.FP32 : precision;
                    builder.setInput(i, in(input, needed));
                }
            }
            NodeProto rewritten = builder.build();
            Map<String, String> captured = new HashMap<>();
            Set<String> direct = new HashSet<>(node.getInputList());
            for (String name : GraphIndex.referencedNames(node)) {
                if (!direct.contains(name) && plan.types().isFloat(name)) {
                    captured.put(name, in(name, Precision.FP32));
                }
            }
            if (!captured.isEmpty()) {
                rewritten = Subgraphs.renameCaptured(rewritten, captured);
            }
            if (precision == Precision.FP16) {
                rewritten = toHalfAttributes(rewritten);
            }
            List<NodeProto> edgeCasts = new ArrayList<>();
            nodes.add(withOutputs(rewritten, precision, edgeCasts));
            nodes.addAll(edgeCasts);
        }

        /** The name under which the tensor is available in the needed precision, casting it on first need. */
        private String in(String tensor, Precision needed) {
            if (physical.get(tensor) == needed) {
                return tensor;
            }
            return castCache.computeIfAbsent(tensor + "|" + needed, k -> {
                String cast = names.next(tensor + (needed == Precision.FP16 ? "_fp16" : "_fp32"));
                nodes.add(cast(tensor, cast, needed));
                return cast;
            });
        }

        private NodeProto cast(String from, String to, Precision precision) {
            casts++;
            DataType type = precision == Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT;
            return OnnxNodes.node("Cast", names.next(to + "_Cast"), List.of(from), List.of(to),
                    attribute("to", (long) type.getNumber()));
        }

        /**
         * Records the precision of the node's float outputs; a graph output produced in the other precision than the
         * graph's interface is renamed inside and restored under its own name by a Cast, added to {@code edgeCasts}.
         */
        private NodeProto withOutputs(NodeProto node, Precision precision, List<NodeProto> edgeCasts) {
            NodeProto.Builder builder = node.toBuilder();
            Precision io = options.keepIoTypes() ? Precision.FP32 : Precision.FP16;
            for (int o = 0; o < node.getOutputCount(); o++) {
                String output = node.getOutput(o);
                if (!plan.types().isFloat(output)) {
                    continue;
                }
                Precision produced = Fp16Plan.floatOnlyOutput(node, o) ? Precision.FP32 : precision;
                if (isGraphOutput(output) && produced != io) {
                    String inner = names.next(output + (produced == Precision.FP16 ? "_fp16" : "_fp32"));
                    builder.setOutput(o, inner);
                    edgeCasts.add(cast(inner, output, io));
                    physical.put(inner, produced);
                    castCache.put(output + "|" + produced, inner);
                    physical.put(output, io);
                } else {
                    physical.put(output, produced);
                }
            }
            return builder.build();
        }

        private boolean isGraphOutput(String name) {
            return model.getGraph().getOutputList().stream().anyMatch(o -> o.getName().equals(name));
        }

        /** Cast targets, ConstantOfShape values and dtype attributes of an fp16 node say FLOAT16 where they said FLOAT. */
        private NodeProto toHalfAttributes(NodeProto node) {
            NodeProto.Builder builder = node.toBuilder().clearAttribute();
            boolean hasValue = false;
            for (AttributeProto attribute : node.getAttributeList()) {
                AttributeProto converted = attribute;
                boolean typeAttribute = (node.getOpType().equals("Cast") && attribute.getName().equals("to"))
                        || attribute.getName().equals("dtype");
                if (typeAttribute && attribute.getI() == DataType.FLOAT_VALUE) {
                    converted = attribute.toBuilder().setI(DataType.FLOAT16_VALUE).build();
                }
                if (node.getOpType().equals("ConstantOfShape") && attribute.getName().equals("value")) {
                    hasValue = true;
                    if (attribute.getT().getDataType() == DataType.FLOAT_VALUE) {
                        converted = attribute.toBuilder().setT(half.convert(attribute.getT())).build();
                    }
                }
                builder.addAttribute(converted);
            }
            if (node.getOpType().equals("ConstantOfShape") && !hasValue) {
                // Without a value, ConstantOfShape makes FLOAT zeros.
                builder.addAttribute(attribute("value", OnnxTensors.float16Tensor("", new long[] {1},
                        new short[] {0})));
            }
            return builder.build();
        }

        /** A Constant with a float value keeps its output name and holds the value in fp16. */
        private NodeProto constant(NodeProto node) {
            NodeProto.Builder builder = node.toBuilder().clearAttribute();
            boolean floatValue = false;
            for (AttributeProto attribute : node.getAttributeList()) {
                TensorProto value = switch (attribute.getName()) {
                    case "value" -> attribute.getT().getDataType() == DataType.FLOAT_VALUE ? attribute.getT() : null;
                    case "value_float" -> OnnxTensors.floatScalar("", attribute.getF());
                    case "value_floats" -> OnnxTensors.floatTensor("", new long[] {attribute.getFloatsCount()},
                            toArray(attribute.getFloatsList()));
                    default -> null;
                };
                if (value == null) {
                    builder.addAttribute(attribute);
                } else {
                    floatValue = true;
                    convertedTensors++;
                    builder.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeType.TENSOR)
                            .setT(half.convert(value)));
                }
            }
            if (floatValue) {
                node.getOutputList().forEach(o -> physical.put(o, Precision.FP16));
            }
            return builder.build();
        }

        ModelProto build() {
            GraphProto original = model.getGraph();
            GraphProto.Builder graph = original.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
            Set<String> halfInitializers = new HashSet<>();
            for (TensorProto initializer : original.getInitializerList()) {
                if (plan.convertsInitializer(initializer.getName())) {
                    graph.addInitializer(half.convert(initializer));
                    halfInitializers.add(initializer.getName());
                    convertedTensors++;
                } else {
                    graph.addInitializer(initializer);
                }
            }
            graph.clearInput();
            for (ValueInfoProto input : original.getInputList()) {
                boolean half = halfInitializers.contains(input.getName())
                        || !options.keepIoTypes() && plan.types().isFloat(input.getName());
                graph.addInput(half ? toHalf(input) : input);
            }
            if (!options.keepIoTypes()) {
                graph.clearOutput();
                original.getOutputList().forEach(o -> graph.addOutput(plan.types().isFloat(o.getName())
                        ? toHalf(o) : o));
            }
            graph.clearValueInfo();
            for (ValueInfoProto info : original.getValueInfoList()) {
                graph.addValueInfo(physical.get(info.getName()) == Precision.FP16
                        && info.getType().getTensorType().getElemType() == DataType.FLOAT_VALUE ? toHalf(info) : info);
            }
            return model.toBuilder().setGraph(graph)
                    .addMetadataProps(StringStringEntryProto.newBuilder().setKey("condenser.quantization")
                            .setValue("fp16" + (options.keepIoTypes() ? " with fp32 inputs and outputs" : "")))
                    .build();
        }

        private static ValueInfoProto toHalf(ValueInfoProto info) {
            ValueInfoProto.Builder builder = info.toBuilder();
            builder.getTypeBuilder().getTensorTypeBuilder().setElemType(DataType.FLOAT16_VALUE);
            return builder.build();
        }

        private static float[] toArray(List<Float> values) {
            float[] result = new float[values.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = values.get(i);
            }
            return result;
        }
    }
}
