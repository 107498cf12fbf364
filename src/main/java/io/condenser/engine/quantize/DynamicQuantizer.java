package io.condenser.engine.quantize;

import static io.condenser.engine.onnx.OnnxNodes.attribute;
import static io.condenser.engine.onnx.OnnxNodes.node;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.onnx.UniqueNames;
import io.condenser.engine.quantize.QuantizationPlan.Candidate;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Dynamic quantization in the form ONNX Runtime's own quantizer emits, so that ONNX Runtime fuses it into its integer
 * kernels (DynamicQuantizeMatMul): weights are quantized once, here; activations are quantized at run time.
 *
 * <pre>
 * MatMul(A, W)        →  DynamicQuantizeLinear(A) → MatMulInteger(Aq, Wq, Azp, Wzp) → Cast(float)
 *                        → Mul(·, Ascale · Wscale)
 * Gemm(A, W, C)       →  the same product on Wᵀ when transB=1, alpha folded into the scale, then Add(·, beta·C)
 * Gather(table, idx)  →  Gather(table_uint8, idx) → DequantizeLinear(·, scale, zp): only gathered rows are dequantized
 * </pre>
 *
 * Nodes that do not fit (see {@link QuantizationPlan}) are left in floating point and reported.
 */
public final class DynamicQuantizer {

    public QuantizedModel quantize(ModelProto model, DynamicQuantizationOptions options, TaskMonitor monitor) {
        QuantizationPlan plan = QuantizationPlan.of(model, options);
        Rewrite rewrite = new Rewrite(model, options);
        List<NodeProto> nodes = model.getGraph().getNodeList();
        int done = 0;
        for (NodeProto node : nodes) {
            monitor.checkCancelled();
            plan.candidate(node).ifPresentOrElse(rewrite::replace, () -> rewrite.keep(node));
            monitor.progress((double) ++done / nodes.size(), "quantizing");
        }
        return new QuantizedModel(rewrite.build(), new QuantizationReport(rewrite.quantizedCounts, plan.skipped()));
    }

    /** The state of one rewrite: nodes emitted so far, tensors added, quantized weights and activations shared. */
    private static final class Rewrite {
        private final ModelProto model;
        private final DynamicQuantizationOptions options;
        private final UniqueNames names;
        private final GraphIndex index;
        private final List<NodeProto> nodes = new ArrayList<>();
        private final Map<String, TensorProto> addedInitializers = new LinkedHashMap<>();
        private final Map<String, QuantizedActivation> activations = new HashMap<>();
        private final Map<String, QuantizedWeightNames> weights = new HashMap<>();
        private final Map<String, Integer> quantizedCounts = new TreeMap<>();

        Rewrite(ModelProto model, DynamicQuantizationOptions options) {
            this.model = model;
            this.options = options;
            this.names = new UniqueNames(model.getGraph());
            this.index = GraphIndex.of(model);
        }

        void keep(NodeProto node) {
            nodes.add(node);
        }

        void replace(Candidate candidate) {
            switch (candidate.kind()) {
                case MATMUL -> replaceProduct(candidate, false, 1.0f, null);
                case GEMM -> replaceGemm(candidate);
                case GATHER -> replaceGather(candidate);
            }
            quantizedCounts.merge(candidate.node().getOpType(), 1, Integer::sum);
        }

        private void replaceGemm(Candidate candidate) {
            NodeProto gemm = candidate.node();
            boolean transposed = OnnxNodes.intAttribute(gemm, "transB", 0) != 0;
            float alpha = OnnxNodes.floatAttribute(gemm, "alpha", 1.0f);
            float beta = OnnxNodes.floatAttribute(gemm, "beta", 1.0f);
            String bias = gemm.getInputCount() > 2 && !gemm.getInput(2).isEmpty() && beta != 0
                    ? scaledBias(gemm.getInput(2), beta, gemm.getName()) : null;
            replaceProduct(candidate, transposed, alpha, bias);
        }

        /** Emits the integer product of the candidate's first input with its quantized weight. */
        private void replaceProduct(Candidate candidate, boolean transposed, float alpha, String bias) {
            NodeProto original = candidate.node();
            String output = original.getOutput(0);
            String base = original.getName().isEmpty() ? output : original.getName();
            QuantizedActivation activation = quantizedActivation(original.getInput(0));
            QuantizedWeightNames weight = quantizedWeight(candidate.weight(), transposed);

            String weightScale = weight.scale();
            if (alpha != 1.0f) {
                weightScale = addInitializer(scaled(weight.scaleValues(), alpha), weight.scale() + "_alpha",
                        weight.scaleShape());
            }
            String product = names.next(output + "_MatMulInteger");
            String productFloat = names.next(output + "_MatMulInteger_float");
            String combinedScale = names.next(output + "_scale");
            String scaledOutput = bias == null ? output : names.next(output + "_MatMul");
            nodes.add(node("Mul", names.next(base + "_scale_mul"), List.of(activation.scale(), weightScale),
                    List.of(combinedScale)));
            nodes.add(node("MatMulInteger", names.next(base + "_MatMulInteger"),
                    List.of(activation.values(), weight.values(), activation.zeroPoint(), weight.zeroPoint()),
                    List.of(product)));
            nodes.add(node("Cast", names.next(base + "_cast"), List.of(product), List.of(productFloat),
                    attribute("to", DataType.FLOAT_VALUE)));
            nodes.add(node("Mul", names.next(base + "_rescale"), List.of(productFloat, combinedScale),
                    List.of(scaledOutput)));
            if (bias != null) {
                nodes.add(node("Add", names.next(base + "_bias"), List.of(scaledOutput, bias), List.of(output)));
            }
        }

        private void replaceGather(Candidate candidate) {
            NodeProto gather = candidate.node();
            TensorProto table = candidate.weight();
            QuantizedWeightNames quantized = weights.computeIfAbsent(table.getName() + "|gather", k -> {
                QuantizedTensor q = LinearQuantizer.quantizeTensor(OnnxTensors.floats(table), WeightType.UINT8);
                return addQuantizedWeight(table.getName(), q, toLongs(table.getDimsList()));
            });
            String output = gather.getOutput(0);
            String gathered = names.next(output + "_quantized");
            String base = gather.getName().isEmpty() ? output : gather.getName();
            nodes.add(gather.toBuilder().setName(names.next(base + "_quantized")).setInput(0, quantized.values())
                    .setOutput(0, gathered).build());
            nodes.add(node("DequantizeLinear", names.next(base + "_dequantize"),
                    List.of(gathered, quantized.scale(), quantized.zeroPoint()), List.of(output)));
        }

        private QuantizedActivation quantizedActivation(String tensor) {
            return activations.computeIfAbsent(tensor, t -> {
                QuantizedActivation activation = new QuantizedActivation(names.next(t + "_quantized"),
                        names.next(t + "_scale"), names.next(t + "_zero_point"));
                nodes.add(node("DynamicQuantizeLinear", names.next(t + "_DynamicQuantizeLinear"), List.of(t),
                        List.of(activation.values(), activation.scale(), activation.zeroPoint())));
                return activation;
            });
        }

        private QuantizedWeightNames quantizedWeight(TensorProto weight, boolean transposed) {
            return weights.computeIfAbsent(weight.getName() + (transposed ? "|T" : "|"), k -> {
                int rows = Math.toIntExact(weight.getDims(0));
                int columns = Math.toIntExact(weight.getDims(1));
                int k0 = transposed ? columns : rows;
                int n = transposed ? rows : columns;
                QuantizedTensor q = LinearQuantizer.quantizeMatrix(OnnxTensors.floats(weight), k0, n, transposed,
                        options.weightType(), options.perChannel());
                return addQuantizedWeight(weight.getName(), q, new long[] {k0, n});
            });
        }

        private QuantizedWeightNames addQuantizedWeight(String name, QuantizedTensor q, long[] dims) {
            String values = addInitializer(OnnxTensors.byteTensor("", q.type().onnxType(), dims, q.values()),
                    name + "_quantized");
            long[] scaleShape = q.perChannel() ? new long[] {q.scales().length} : new long[0];
            String scale = addInitializer(OnnxTensors.floatTensor("", scaleShape, q.scales()), name + "_scale");
            // A single zero point of 0 (symmetric weights) lets ONNX Runtime use its faster symmetric kernels.
            byte[] zeroPoints = q.zeroPointsAllZero() ? new byte[1] : q.zeroPoints();
            long[] zeroPointShape = zeroPoints.length > 1 ? new long[] {zeroPoints.length} : new long[0];
            String zeroPoint = addInitializer(OnnxTensors.byteTensor("", q.type().onnxType(), zeroPointShape,
                    zeroPoints), name + "_zero_point");
            return new QuantizedWeightNames(values, scale, zeroPoint, q.scales(), scaleShape);
        }

        private String scaledBias(String bias, float beta, String nodeName) {
            if (beta == 1.0f) {
                return bias;
            }
            TensorProto constant = index.constant(bias).orElse(null);
            if (constant != null && constant.getDataType() == DataType.FLOAT_VALUE) {
                FloatBuffer values = OnnxTensors.floats(constant);
                float[] scaled = new float[values.remaining()];
                for (int i = 0; i < scaled.length; i++) {
                    scaled[i] = values.get(i) * beta;
                }
                return addInitializer(scaled, bias + "_beta", toLongs(constant.getDimsList()));
            }
            String betaName = addInitializer(OnnxTensors.floatScalar("", beta), bias + "_beta_factor");
            String scaledBias = names.next(bias + "_beta");
            nodes.add(node("Mul", names.next(nodeName + "_beta"), List.of(bias, betaName), List.of(scaledBias)));
            return scaledBias;
        }

        private String addInitializer(float[] values, String baseName, long[] dims) {
            return addInitializer(OnnxTensors.floatTensor("", dims, values), baseName);
        }

        private String addInitializer(TensorProto tensor, String baseName) {
            String name = names.next(baseName);
            addedInitializers.put(name, tensor.toBuilder().setName(name).build());
            return name;
        }

        ModelProto build() {
            GraphProto original = model.getGraph();
            Set<String> referenced = new HashSet<>();
            nodes.forEach(n -> referenced.addAll(GraphIndex.referencedNames(n)));
            original.getOutputList().forEach(o -> referenced.add(o.getName()));

            GraphProto.Builder graph = original.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
            Set<String> dropped = new HashSet<>();
            for (TensorProto initializer : original.getInitializerList()) {
                if (referenced.contains(initializer.getName())) {
                    graph.addInitializer(initializer);
                } else {
                    dropped.add(initializer.getName());
                }
            }
            graph.addAllInitializer(addedInitializers.values());
            removeNamed(graph.getInputList(), dropped, graph::clearInput, graph::addInput);
            removeNamed(graph.getValueInfoList(), dropped, graph::clearValueInfo, graph::addValueInfo);
            if (model.getIrVersion() < 4) {
                // Before IR 4 every initializer must also be declared as a graph input.
                for (TensorProto added : addedInitializers.values()) {
                    graph.addInput(OnnxGraphBuilder.valueInfo(added.getName(),
                            DataType.forNumber(added.getDataType()), added.getDimsList().toArray()));
                }
            }
            return model.toBuilder()
                    .setGraph(graph)
                    .addMetadataProps(StringStringEntryProto.newBuilder().setKey("condenser.quantization")
                            .setValue("dynamic " + options.weightType().name().toLowerCase()
                                    + (options.perChannel() ? " per-channel" : " per-tensor")))
                    .build();
        }

        private static void removeNamed(List<ValueInfoProto> infos, Set<String> dropped, Runnable clear,
                                        Consumer<ValueInfoProto> add) {
            List<ValueInfoProto> kept = infos.stream().filter(i -> !dropped.contains(i.getName())).toList();
            clear.run();
            kept.forEach(add);
        }

        private static float[] scaled(float[] values, float factor) {
            float[] result = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                result[i] = values[i] * factor;
            }
            return result;
        }

        private static long[] toLongs(List<Long> dims) {
            return dims.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private record QuantizedActivation(String values, String scale, String zeroPoint) {
    }

    private record QuantizedWeightNames(String values, String scale, String zeroPoint, float[] scaleValues,
                                        long[] scaleShape) {
    }
}
