package io.condenser.engine.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.quantize.ActivationType;
import io.condenser.engine.quantize.ActivationType.ActivationParameters;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.StaticQuantizationPlan;
import io.condenser.engine.quantize.StaticQuantizationPlan.QuantizedNode;
import io.condenser.engine.quantize.TensorRange;
import io.condenser.engine.quantize.WeightType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fake quantization for quantization-aware training, with a straight-through estimator: the forward pass sees
 * quantized-then-dequantized values, the backward pass treats the rounding as identity.
 * <ul>
 *   <li>Weights: int8 symmetric ({@link WeightType#INT8}: scale = max|w| / 127, 1 for an all-zero channel), one scale
 *       per output channel along the given axis or one per tensor ({@link #PER_TENSOR}) — the values
 *       {@code LinearQuantizer} gives the static quantizer.</li>
 *   <li>Activations: asymmetric per tensor ({@link ActivationType}, uint8 by default) over a range observed while
 *       training (exponential moving average of each batch's min and max, the first batch taken as is) and frozen in
 *       inference; the gradient passes where the value is inside the range and is 0 where it was clipped. The
 *       average starts from calibrated ranges given to {@link #startFrom}; a tensor with neither passes unchanged
 *       until a training pass observes it.</li>
 * </ul>
 * {@link #observedRanges()} are the calibrated ranges a QAT step gives the static quantizer's rewrite, so the exported
 * int8 model uses the scales the model was trained with.
 */
public final class FakeQuantization {

    /** The weight axis value that asks for one scale for the whole tensor. */
    public static final int PER_TENSOR = -1;

    /** PyTorch's default for its moving-average observers. */
    public static final float DEFAULT_AVERAGING = 0.01f;

    private final Map<String, Integer> weightAxes;
    private final Set<String> activations;
    private final ActivationType activationType;
    private final float averaging;
    private final Map<String, TensorRange> ranges = new ConcurrentHashMap<>();

    /**
     * @param weightAxes  initializer name → axis of its output channels, or {@link #PER_TENSOR}
     * @param activations tensors (graph inputs, node outputs) to fake-quantize
     * @param averaging   weight of a new batch's min and max in the moving average, in (0, 1]
     */
    public FakeQuantization(Map<String, Integer> weightAxes, Set<String> activations, ActivationType activationType,
                            float averaging) {
        if (!(averaging > 0 && averaging <= 1)) {
            throw new IllegalArgumentException("averaging must be in (0, 1], not " + averaging);
        }
        this.weightAxes = Map.copyOf(weightAxes);
        this.activations = Set.copyOf(activations);
        this.activationType = activationType;
        this.averaging = averaging;
    }

    /**
     * The weights and activations static quantization would quantize in this model with these options (its
     * {@link StaticQuantizationPlan}), with the same weight axes. The plan is made on the model as given: static
     * quantization folds batch norms first, so fold them before quantization-aware training for the two to match.
     */
    public static FakeQuantization like(ModelProto model, StaticQuantizationOptions options) {
        StaticQuantizationPlan plan = StaticQuantizationPlan.of(model, options);
        Map<String, Integer> axes = new LinkedHashMap<>();
        for (QuantizedNode node : plan.quantizedNodes()) {
            if (node.weight() == null) {
                continue;
            }
            int axis = switch (node.kind()) {
                case CONV -> 0;
                case GEMM -> OnnxNodes.intAttribute(node.node(), "transB", 0) != 0 ? 0 : 1;
                default -> 1;
            };
            axes.put(node.weight().getName(), options.perChannel() ? axis : PER_TENSOR);
        }
        return new FakeQuantization(axes, new LinkedHashSet<>(plan.calibratedTensors()), options.activationType(),
                DEFAULT_AVERAGING);
    }

    /** Block options that fake-quantize the chosen weights where they are read and activations where produced. */
    public GraphBlockOptions options() {
        ParameterTransform weights = (name, value, training) -> {
            Integer axis = weightAxes.get(name);
            return axis == null ? value : fakeQuantizeWeight(value, axis);
        };
        TensorTransform tensors = new TensorTransform() {
            @Override
            public boolean transforms(String tensor) {
                return activations.contains(tensor);
            }

            @Override
            public NDArray apply(String tensor, NDArray value, boolean training) {
                return fakeQuantizeActivation(tensor, value, training);
            }
        };
        return new GraphBlockOptions(weights, tensors);
    }

    /**
     * Starts the activations' ranges from calibrated ones (as post-training static quantization chooses them), so the
     * model is measured quantized before its first training pass and the moving average continues from there. Ranges
     * of tensors this fake quantization does not quantize are ignored.
     */
    public void startFrom(Map<String, TensorRange> calibrated) {
        calibrated.forEach((tensor, range) -> {
            if (activations.contains(tensor)) {
                ranges.put(tensor, range);
            }
        });
    }

    /** The activation ranges calibrated or observed so far, by tensor name. */
    public Map<String, TensorRange> observedRanges() {
        return Map.copyOf(ranges);
    }

    public Map<String, Integer> weightAxes() {
        return weightAxes;
    }

    public Set<String> activations() {
        return activations;
    }

    /** Symmetric int8 quantize-dequantize, per channel along {@code axis} or per tensor; gradient identity. */
    public static NDArray fakeQuantizeWeight(NDArray weight, int axis) {
        NDArray absMax = axis == PER_TENSOR ? weight.abs().max() : channelAbsMax(weight, axis);
        float levels = WeightType.INT8.max();
        NDArray scale = absMax.div(levels);
        // An all-zero channel gets scale 1, as the static quantizer gives it.
        scale = scale.add(scale.eq(0).toType(scale.getDataType(), false));
        NDArray dequantized = weight.div(scale).round().clip(-levels, levels).mul(scale);
        return weight.add(dequantized.sub(weight).stopGradient());
    }

    private static NDArray channelAbsMax(NDArray weight, int axis) {
        Shape shape = weight.getShape();
        int[] order = new int[shape.dimension()];
        order[0] = axis;
        for (int d = 0, next = 1; d < order.length; d++) {
            if (d != axis) {
                order[next++] = d;
            }
        }
        long channels = shape.get(axis);
        NDArray perChannel = weight.stopGradient().transpose(order).reshape(channels, -1).abs().max(new int[] {1});
        long[] broadcast = new long[shape.dimension()];
        Arrays.fill(broadcast, 1);
        broadcast[axis] = channels;
        return perChannel.reshape(new Shape(broadcast));
    }

    private NDArray fakeQuantizeActivation(String tensor, NDArray value, boolean training) {
        TensorRange range = training ? observe(tensor, value) : ranges.get(tensor);
        if (range == null) {
            return value;
        }
        ActivationParameters parameters = activationType.parameters(range);
        float scale = parameters.scale();
        int zeroPoint = parameters.zeroPoint();
        float low = (activationType.min() - zeroPoint) * scale;
        float high = (activationType.max() - zeroPoint) * scale;
        NDArray clipped = value.clip(low, high);
        NDArray dequantized = clipped.div(scale).round().add(zeroPoint)
                .clip(activationType.min(), activationType.max()).sub(zeroPoint).mul(scale);
        return clipped.add(dequantized.sub(clipped).stopGradient());
    }

    private TensorRange observe(String tensor, NDArray value) {
        NDArray detached = value.stopGradient().toType(DataType.FLOAT32, false);
        float min = detached.min().getFloat();
        float max = detached.max().getFloat();
        return ranges.compute(tensor, (name, previous) -> previous == null ? new TensorRange(min, max)
                : new TensorRange(previous.min() + averaging * (min - previous.min()),
                        previous.max() + averaging * (max - previous.max())));
    }

    @Override
    public String toString() {
        return "FakeQuantization(" + weightAxes.size() + " weights, " + activations.size() + " activations, "
                + activationType + ")";
    }
}
