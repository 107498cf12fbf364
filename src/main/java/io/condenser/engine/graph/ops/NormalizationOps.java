package io.condenser.engine.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import io.condenser.engine.graph.OnnxNode;
import io.condenser.engine.graph.OpKernel;
import io.condenser.engine.graph.OpRegistry;
import io.condenser.engine.graph.UnsupportedOpException;
import java.util.Arrays;

/** BatchNormalization, LayerNormalization and Dropout: the operators that behave differently while training. */
public final class NormalizationOps {

    /** Dropout's ratio became an input in opset 12. */
    private static final long DROPOUT_RATIO_INPUT_OPSET = 12;

    private NormalizationOps() {
    }

    public static void register(OpRegistry registry) {
        registry.register("BatchNormalization", NormalizationOps::batchNormalization);
        registry.register("LayerNormalization", NormalizationOps::layerNormalization);
        registry.register("Dropout", NormalizationOps::dropout, 1, 2);
    }

    /**
     * Inference normalizes with the running statistics (inputs 3 and 4). Training normalizes with the batch's mean
     * and population variance and updates the running statistics in place as ONNX defines it:
     * {@code running = running · momentum + batch · (1 − momentum)}.
     */
    private static OpKernel batchNormalization(OnnxNode node) {
        if (node.intAttribute("spatial", 1) != 1) {
            throw new UnsupportedOpException("spatial=0 is not supported");
        }
        node.requireOnlyOutputs(1, "training statistics");
        float epsilon = node.floatAttribute("epsilon", 1e-5f);
        float momentum = node.floatAttribute("momentum", 0.9f);
        return (in, context) -> {
            NDArray x = in[0];
            NDArray scale = in[1];
            NDArray bias = in[2];
            NDArray runningMean = in[3];
            NDArray runningVariance = in[4];
            if (!context.training()) {
                return new NDArray[] {BatchNorm.batchNorm(x, runningMean, runningVariance, scale, bias, 1, momentum,
                        epsilon, false).singletonOrThrow()};
            }
            int rank = x.getShape().dimension();
            // Every axis but the channels (axis 1).
            int[] axes = new int[rank - 1];
            for (int d = 2; d < rank; d++) {
                axes[d - 1] = d;
            }
            long[] channelShape = new long[rank];
            Arrays.fill(channelShape, 1);
            channelShape[1] = x.getShape().get(1);
            NDArray mean = HostValues.mean(x, axes, true);
            NDArray centered = x.sub(mean);
            NDArray variance = HostValues.mean(centered.square(), axes, true);
            NDArray normalized = centered.div(variance.add(epsilon).sqrt());
            NDArray y = normalized.mul(scale.reshape(channelShape)).add(bias.reshape(channelShape));
            update(runningMean, mean, momentum);
            update(runningVariance, variance, momentum);
            return new NDArray[] {y};
        };
    }

    private static void update(NDArray running, NDArray batch, float momentum) {
        running.muli(momentum).addi(batch.stopGradient().reshape(running.getShape()).mul(1 - momentum));
    }

    /** Normalizes over the axes from {@code axis} on; outputs 1 and 2 are the mean and the inverse deviation. */
    private static OpKernel layerNormalization(OnnxNode node) {
        long axisAttribute = node.intAttribute("axis", -1);
        float epsilon = node.floatAttribute("epsilon", 1e-5f);
        return (in, context) -> {
            NDArray x = in[0];
            int rank = x.getShape().dimension();
            int first = HostValues.axis(axisAttribute, rank);
            int[] axes = new int[rank - first];
            Arrays.setAll(axes, i -> first + i);
            NDArray mean = HostValues.mean(x, axes, true);
            NDArray centered = x.sub(mean);
            NDArray variance = HostValues.mean(centered.square(), axes, true);
            NDArray inverseDeviation = variance.add(epsilon).sqrt().pow(-1);
            NDArray y = centered.mul(inverseDeviation).mul(in[1]);
            if (in.length > 2 && in[2] != null) {
                y = y.add(in[2]);
            }
            return new NDArray[] {y, mean, inverseDeviation};
        };
    }

    /** Identity in inference; in training dropout with the node's ratio, whatever its training_mode input says. */
    private static OpKernel dropout(OnnxNode node) {
        node.requireOnlyOutputs(1, "mask");
        float attributeRatio = node.floatAttribute("ratio", 0.5f);
        boolean ratioInput = node.opset() >= DROPOUT_RATIO_INPUT_OPSET && node.hasInput(1);
        return (in, context) -> {
            if (!context.training()) {
                return new NDArray[] {in[0]};
            }
            float ratio = ratioInput ? HostValues.scalar(in[1]) : attributeRatio;
            return new NDArray[] {Dropout.dropout(in[0], ratio, true).singletonOrThrow()};
        };
    }
}
