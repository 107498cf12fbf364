package io.condenser.engine.quantize;

import static io.condenser.engine.onnx.OnnxNodes.attribute;
import static io.condenser.engine.onnx.OnnxNodes.node;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.GraphRewrite;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.quantize.QuantizationPlan.Candidate;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dynamic quantization in the form ONNX Runtime's own quantizer emits, so that ONNX Runtime fuses it into its integer
 * kernels (DynamicQuantizeMatMul): weights are quantized once, here; activations are quantized at run time.
 *
 * <pre>
 * MatMul(A, W)        →  DynamicQuantizeLinear(A) → MatMulInteger(Aq, Wq, Azp, Wzp) → Cast(float)
 *                        → Mul(·, Ascale · Wscale)
 * Gemm(A, W, C)       →  the same product on Wᵀ when transB=1, alpha folded into the scale, then Add(·, beta·C)
 * Conv(X, W, b)       →  DynamicQuantizeLinear(X) → ConvInteger(Xq, Wq, Xzp, Wzp) → Cast(float)
 *                        → Mul(·, Xscale · Wscale[M,1,1]) → Add(·, b[M,1,1])
 * Gather(table, idx)  →  Gather(table_uint8, idx) → DequantizeLinear(·, scale, zp): only gathered rows are dequantized
 * </pre>
 *
 * ONNX Runtime's ConvInteger kernel takes int8 or uint8 weights but a single weight zero point, so per-channel Conv
 * weights are symmetric int8 (zero point 0 for every channel); uint8 Conv weights are quantized per tensor.
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
        private final DynamicQuantizationOptions options;
        private final GraphRewrite graph;
        private final GraphIndex index;
        private final Map<String, QuantizedActivation> activations = new HashMap<>();
        private final Map<String, QuantizedWeightNames> weights = new HashMap<>();
        private final Map<String, Integer> quantizedCounts = new TreeMap<>();

        Rewrite(ModelProto model, DynamicQuantizationOptions options) {
            this.options = options;
            this.graph = new GraphRewrite(model);
            this.index = GraphIndex.of(model);
        }

        void keep(NodeProto node) {
            graph.add(node);
        }

        void replace(Candidate candidate) {
            switch (candidate.kind()) {
                case MATMUL -> replaceProduct(candidate, false, 1.0f, null);
                case GEMM -> replaceGemm(candidate);
                case CONV -> replaceConv(candidate);
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
            String base = baseName(original);
            QuantizedActivation activation = quantizedActivation(original.getInput(0));
            QuantizedWeightNames weight = quantizedWeight(candidate.weight(), transposed);

            String weightScale = weight.scale();
            if (alpha != 1.0f) {
                weightScale = addInitializer(scaled(weight.scaleValues(), alpha), weight.scale() + "_alpha",
                        weight.scaleShape());
            }
            String product = graph.name(output + "_MatMulInteger");
            graph.add(node("MatMulInteger", graph.name(base + "_MatMulInteger"),
                    List.of(activation.values(), weight.values(), activation.zeroPoint(), weight.zeroPoint()),
                    List.of(product)));
            addRescale(base, product, activation.scale(), weightScale, bias, output);
        }

        private void replaceConv(Candidate candidate) {
            NodeProto conv = candidate.node();
            TensorProto weight = candidate.weight();
            String output = conv.getOutput(0);
            String base = baseName(conv);
            QuantizedActivation activation = quantizedActivation(conv.getInput(0));
            QuantizedWeightNames quantized = weights.computeIfAbsent(weight.getName() + "|conv", k -> {
                long[] dims = OnnxTensors.dims(weight);
                // ConvInteger takes one weight zero point: only symmetric int8 weights can have a scale per channel.
                boolean perChannel = options.perChannel() && options.weightType().symmetric();
                ChannelLayout layout = perChannel ? ChannelLayout.along(dims, 0) : ChannelLayout.WHOLE_TENSOR;
                QuantizedTensor q = LinearQuantizer.quantizeChannels(OnnxTensors.floats(weight), layout,
                        options.weightType(), options.reduceRange());
                return addQuantizedWeight(weight.getName(), q, dims, perChannel ? channelShape(dims[0], dims.length) : new long[0]);
            });
            String bias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
                    ? channelBias(conv.getInput(2), weight.getDimsCount()) : null;
            String product = graph.name(output + "_ConvInteger");
            graph.add(conv.toBuilder().setOpType("ConvInteger").setName(graph.name(base + "_ConvInteger"))
                    .clearInput().addAllInput(List.of(activation.values(), quantized.values(),
                            activation.zeroPoint(), quantized.zeroPoint()))
                    .clearOutput().addOutput(product).build());
            addRescale(base, product, activation.scale(), quantized.scale(), bias, output);
        }

        /** Integer result → float, times activation scale × weight scale, plus the float bias if there is one. */
        private void addRescale(String base, String product, String activationScale, String weightScale, String bias,
                                String output) {
            String productFloat = graph.name(product + "_float");
            String combinedScale = graph.name(output + "_scale");
            String scaledOutput = bias == null ? output : graph.name(output + "_unbiased");
            graph.add(node("Mul", graph.name(base + "_scale_mul"), List.of(activationScale, weightScale),
                    List.of(combinedScale)));
            graph.add(node("Cast", graph.name(base + "_cast"), List.of(product), List.of(productFloat),
                    attribute("to", DataType.FLOAT_VALUE)));
            graph.add(node("Mul", graph.name(base + "_rescale"), List.of(productFloat, combinedScale),
                    List.of(scaledOutput)));
            if (bias != null) {
                graph.add(node("Add", graph.name(base + "_bias"), List.of(scaledOutput, bias), List.of(output)));
            }
        }

        private void replaceGather(Candidate candidate) {
            NodeProto gather = candidate.node();
            TensorProto table = candidate.weight();
            QuantizedWeightNames quantized = weights.computeIfAbsent(table.getName() + "|gather", k -> {
                QuantizedTensor q = LinearQuantizer.quantizeTensor(OnnxTensors.floats(table), WeightType.UINT8);
                return addQuantizedWeight(table.getName(), q, OnnxTensors.dims(table), new long[0]);
            });
            String output = gather.getOutput(0);
            String gathered = graph.name(output + "_quantized");
            String base = baseName(gather);
            graph.add(gather.toBuilder().setName(graph.name(base + "_quantized")).setInput(0, quantized.values())
                    .setOutput(0, gathered).build());
            graph.add(node("DequantizeLinear", graph.name(base + "_dequantize"),
                    List.of(gathered, quantized.scale(), quantized.zeroPoint()), List.of(output)));
        }

        private QuantizedActivation quantizedActivation(String tensor) {
            return activations.computeIfAbsent(tensor, t -> {
                QuantizedActivation activation = new QuantizedActivation(graph.name(t + "_quantized"),
                        graph.name(t + "_scale"), graph.name(t + "_zero_point"));
                graph.add(node("DynamicQuantizeLinear", graph.name(t + "_DynamicQuantizeLinear"), List.of(t),
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
                        options.weightType(), options.perChannel(), options.reduceRange());
                return addQuantizedWeight(weight.getName(), q, new long[] {k0, n},
                        q.perChannel() ? new long[] {n} : new long[0]);
            });
        }

        private QuantizedWeightNames addQuantizedWeight(String name, QuantizedTensor q, long[] dims,
                                                        long[] scaleShape) {
            String values = graph.addInitializer(OnnxTensors.byteTensor("", q.type().onnxType(), dims, q.values()),
                    name + "_quantized");
            String scale = addInitializer(q.scales(), name + "_scale", scaleShape);
            // A single zero point of 0 (symmetric weights) lets ONNX Runtime use its faster symmetric kernels.
            byte[] zeroPoints = q.zeroPointsAllZero() ? new byte[1] : q.zeroPoints();
            long[] zeroPointShape = zeroPoints.length > 1 ? new long[] {zeroPoints.length} : new long[0];
            String zeroPoint = graph.addInitializer(OnnxTensors.byteTensor("", q.type().onnxType(), zeroPointShape,
                    zeroPoints), name + "_zero_point");
            return new QuantizedWeightNames(values, scale, zeroPoint, q.scales(), scaleShape);
        }

        /** The Conv bias [M] as [M, 1, …] so that it broadcasts over the output's channel axis. */
        private String channelBias(String bias, int weightRank) {
            TensorProto constant = index.constant(bias).orElseThrow();
            long[] dims = channelShape(constant.getDims(0), weightRank);
            return graph.addInitializer(constant.toBuilder().clearDims()
                    .addAllDims(Arrays.stream(dims).boxed().toList()).build(), bias + "_per_channel");
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
                return addInitializer(scaled, bias + "_beta", OnnxTensors.dims(constant));
            }
            String betaName = graph.addInitializer(OnnxTensors.floatScalar("", beta), bias + "_beta_factor");
            String scaledBias = graph.name(bias + "_beta");
            graph.add(node("Mul", graph.name(nodeName + "_beta"), List.of(bias, betaName), List.of(scaledBias)));
            return scaledBias;
        }

        private String addInitializer(float[] values, String baseName, long[] dims) {
            return graph.addInitializer(OnnxTensors.floatTensor("", dims, values), baseName);
        }

        ModelProto build() {
            return graph.build("condenser.quantization", "dynamic " + options.weightType().name().toLowerCase()
                    + (options.perChannel() ? " per-channel" : " per-tensor")
                    + (options.reduceRange() ? " reduced-range" : ""));
        }

        private static String baseName(NodeProto node) {
            return node.getName().isEmpty() ? node.getOutput(0) : node.getName();
        }

        /** [M, 1, …, 1]: one value per output channel, broadcasting over the spatial axes of a Conv output. */
        private static long[] channelShape(long channels, int weightRank) {
            long[] shape = new long[weightRank - 1];
            Arrays.fill(shape, 1);
            shape[0] = channels;
            return shape;
        }

        private static float[] scaled(float[] values, float factor) {
            float[] result = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                result[i] = values[i] * factor;
            }
            return result;
        }
    }

    private record QuantizedActivation(String values, String scale, String zeroPoint) {
    }

    private record QuantizedWeightNames(String values, String scale, String zeroPoint, float[] scaleValues,
                                        long[] scaleShape) {
    }
}
