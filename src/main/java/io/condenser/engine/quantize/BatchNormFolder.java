package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.GraphRewrite;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxDomains;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Folds inference-mode BatchNormalization into the Conv or Gemm that feeds it. With s = γ/√(σ²+ε) per output channel,
 * the pair computes s·(W·x + b − μ) + β, which is one Conv or Gemm with weights W·s and bias (b − μ)·s + β. The result
 * has one node less per fold and, for quantization, one weight tensor whose range already includes the scaling.
 *
 * <p>A batch norm is folded only when its statistics and parameters are constants, it is in inference mode (one
 * output), and the Conv/Gemm output is read by nothing else; the others stay and are reported with the reason.
 */
public final class BatchNormFolder {

    public BatchNormFolding fold(ModelProto model) {
        GraphIndex index = GraphIndex.of(model);
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            node.getOutputList().forEach(output -> producers.put(output, node));
        }
        Set<String> graphOutputs = model.getGraph().getOutputList().stream().map(ValueInfoProto::getName)
                .collect(Collectors.toSet());
        long opset = ModelInspector.defaultOpset(model);

        Map<NodeProto, Fold> folds = new IdentityHashMap<>();
        Set<NodeProto> foldedNorms = Collections.newSetFromMap(new IdentityHashMap<>());
        List<SkippedNode> skipped = new ArrayList<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (!node.getOpType().equals("BatchNormalization") || !OnnxDomains.normalize(node.getDomain()).isEmpty()) {
                continue;
            }
            NodeProto producer = producers.get(node.getInput(0));
            FoldCheck check = check(node, producer, index, graphOutputs, opset);
            if (check.whyNot() != null) {
                skipped.add(new SkippedNode(OnnxNodes.describe(node), node.getOpType(), check.whyNot()));
            } else {
                folds.put(producer, check.fold());
                foldedNorms.add(node);
            }
        }
        if (folds.isEmpty()) {
            return new BatchNormFolding(model, 0, skipped);
        }
        GraphRewrite rewrite = new GraphRewrite(model);
        for (NodeProto node : model.getGraph().getNodeList()) {
            Fold fold = folds.get(node);
            if (fold != null) {
                rewrite.add(fold.apply(rewrite));
            } else if (!foldedNorms.contains(node)) {
                rewrite.add(node);
            }
        }
        ModelProto folded = rewrite.build("condenser.batch-norm-folding", folds.size() + " folded");
        return new BatchNormFolding(folded, folds.size(), skipped);
    }

    /** A fold that can be done, or the reason it cannot. */
    private record FoldCheck(Fold fold, String whyNot) {
        static FoldCheck no(String reason) {
            return new FoldCheck(null, reason);
        }
    }

    private static FoldCheck check(NodeProto norm, NodeProto producer, GraphIndex index, Set<String> graphOutputs,
                                   long opset) {
        for (int i = 1; i < norm.getOutputCount(); i++) {
            if (!norm.getOutput(i).isEmpty()) {
                return FoldCheck.no("it also outputs running statistics (training mode)");
            }
        }
        if (OnnxNodes.intAttribute(norm, "training_mode", 0) != 0) {
            return FoldCheck.no("it is in training mode");
        }
        if (opset < 9 && OnnxNodes.intAttribute(norm, "spatial", 1) == 0) {
            return FoldCheck.no("it normalizes per activation (spatial=0), not per channel");
        }
        if (producer == null || !OnnxDomains.normalize(producer.getDomain()).isEmpty()
                || !(producer.getOpType().equals("Conv") || producer.getOpType().equals("Gemm"))) {
            return FoldCheck.no("its input does not come from a Conv or Gemm"
                    + (producer == null ? "" : " but from " + producer.getOpType()));
        }
        String features = producer.getOutput(0);
        if (graphOutputs.contains(features) || index.consumers(features).size() != 1) {
            return FoldCheck.no("the " + producer.getOpType() + " output '" + features + "' is also read elsewhere");
        }
        ConstantWeight weight = ConstantWeight.of(producer, 1, index);
        if (!weight.found()) {
            return FoldCheck.no("the " + producer.getOpType() + " cannot change: " + weight.whyNot());
        }
        boolean conv = producer.getOpType().equals("Conv");
        long[] dims = OnnxTensors.dims(weight.tensor());
        if (conv ? dims.length < 3 : dims.length != 2) {
            return FoldCheck.no("the " + producer.getOpType() + " weight has an unexpected rank " + dims.length);
        }
        boolean transposed = !conv && OnnxNodes.intAttribute(producer, "transB", 0) != 0;
        int axis = conv || transposed ? 0 : 1;
        ChannelLayout layout = ChannelLayout.along(dims, axis);
        int channels = layout.channels();

        float[][] statistics = new float[4][];
        for (int i = 0; i < 4; i++) {
            ConstantWeight parameter = ConstantWeight.of(norm, i + 1, index);
            if (!parameter.found() || OnnxTensors.elementCount(parameter.tensor()) != channels) {
                return FoldCheck.no("its input " + (i + 1) + " is not a constant float vector of " + channels
                        + " values");
            }
            statistics[i] = toArray(OnnxTensors.floats(parameter.tensor()));
        }
        float[] bias = new float[channels];
        String biasName = producer.getInputCount() > 2 ? producer.getInput(2) : "";
        if (!biasName.isEmpty()) {
            ConstantWeight constantBias = ConstantWeight.of(producer, 2, index);
            long count = constantBias.found() ? OnnxTensors.elementCount(constantBias.tensor()) : -1;
            boolean perChannel = count == channels && (conv || lastDimension(constantBias.tensor()) == channels);
            if (!perChannel && (conv || count != 1)) {
                return FoldCheck.no("the " + producer.getOpType() + " bias is not a constant vector of " + channels
                        + " values");
            }
            FloatBuffer values = OnnxTensors.floats(constantBias.tensor());
            float beta = conv ? 1.0f : OnnxNodes.floatAttribute(producer, "beta", 1.0f);
            for (int c = 0; c < channels; c++) {
                bias[c] = beta * values.get(count == 1 ? 0 : c);
            }
        }
        float epsilon = OnnxNodes.floatAttribute(norm, "epsilon", 1e-5f);
        return new FoldCheck(new Fold(producer, norm.getOutput(0), weight.tensor(), layout, bias, statistics,
                epsilon), null);
    }

    /** The Conv or Gemm with the batch norm's scale and shift applied to its weight and bias. */
    private record Fold(NodeProto producer, String output, TensorProto weight, ChannelLayout layout, float[] bias,
                        float[][] statistics, float epsilon) {

        NodeProto apply(GraphRewrite rewrite) {
            float[] gamma = statistics[0];
            float[] beta = statistics[1];
            float[] mean = statistics[2];
            float[] variance = statistics[3];
            double[] scale = new double[layout.channels()];
            float[] foldedBias = new float[layout.channels()];
            for (int c = 0; c < scale.length; c++) {
                scale[c] = gamma[c] / Math.sqrt((double) variance[c] + epsilon);
                foldedBias[c] = (float) ((bias[c] - mean[c]) * scale[c] + beta[c]);
            }
            FloatBuffer values = OnnxTensors.floats(weight);
            float[] foldedWeight = new float[values.remaining()];
            for (int i = 0; i < foldedWeight.length; i++) {
                foldedWeight[i] = (float) (values.get(i) * scale[layout.channelOf(i)]);
            }
            String weightName = rewrite.addInitializer(
                    OnnxTensors.floatTensor("", OnnxTensors.dims(weight), foldedWeight), weight.getName() + "_folded");
            String biasName = rewrite.addInitializer(
                    OnnxTensors.floatTensor("", new long[] {foldedBias.length}, foldedBias),
                    producer.getName().isEmpty() ? output + "_bias" : producer.getName() + "_folded_bias");
            NodeProto.Builder folded = producer.toBuilder().clearInput()
                    .addInput(producer.getInput(0)).addInput(weightName).addInput(biasName)
                    .setOutput(0, output);
            if (producer.getOpType().equals("Gemm")) {
                // beta already multiplied the bias above.
                List<AttributeProto> attributes = producer.getAttributeList().stream()
                        .filter(a -> !a.getName().equals("beta")).toList();
                folded.clearAttribute().addAllAttribute(attributes);
            }
            return folded.build();
        }
    }

    private static long lastDimension(TensorProto tensor) {
        return tensor.getDimsCount() == 0 ? 1 : tensor.getDims(tensor.getDimsCount() - 1);
    }

    private static float[] toArray(FloatBuffer buffer) {
        float[] values = new float[buffer.remaining()];
        buffer.duplicate().get(values);
        return values;
    }
}
