package io.condenser.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.quantize.ActivationType.ActivationParameters;
import io.condenser.engine.quantize.ActivationType;
import io.condenser.engine.quantize.ChannelLayout;
import io.condenser.engine.quantize.LinearQuantizer;
import io.condenser.engine.quantize.QuantizedTensor;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.TensorRange;
import io.condenser.engine.quantize.WeightType;
import io.condenser.testing.ConvTestModels;
import io.condenser.testing.PyTorchManager;
import io.condenser.testing.TestModels;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fake quantization is quantize-dequantize as the static quantizer computes it, with straight-through gradients. */
class FakeQuantizationTest {

    @RegisterExtension
    static final PyTorchManager PYTORCH = new PyTorchManager();

    @Test
    void weightsMatchTheStaticQuantizersPerChannelValuesAndPassGradientsStraightThrough() {
        float[] values = TestModels.gaussian(new SplittableRandom(3), 4 * 3 * 2 * 2, 1.0);
        long[] dims = {4, 3, 2, 2};
        QuantizedTensor expected = LinearQuantizer.quantizeChannels(FloatBuffer.wrap(values),
                ChannelLayout.along(dims, 0), WeightType.INT8, false);
        try (NDManager scope = PYTORCH.get().newSubManager()) {
            NDArray weight = scope.create(values, new Shape(dims));
            weight.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine(OnnxGraphBlock.ENGINE).newGradientCollector()) {
                NDArray fake = FakeQuantization.fakeQuantizeWeight(weight, 0);
                float[] actual = fake.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    int channel = i / 12;
                    assertThat(actual[i]).isEqualTo(expected.values()[i] * expected.scales()[channel]);
                }
                collector.backward(fake.mul(scope.arange((float) values.length).reshape(dims)).sum());
            }
            assertThat(weight.getGradient().toFloatArray()).containsExactly(scope.arange((float) values.length)
                    .toFloatArray());
        }
    }

    @Test
    void activationsUseTheObservedRangeFrozenInInferenceAndClipTheirGradient() {
        ModelProto model = TestModels.mlp(6, 5, 3, 11);
        FakeQuantization quantization = new FakeQuantization(Map.of(), Set.of("a1"), ActivationType.UINT8, 0.5f);
        try (NDManager scope = PYTORCH.get().newSubManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, scope, quantization.options());
            OnnxGraphBlock plain = OnnxGraphBlock.build(model, scope);
            NDArray first = scope.randomNormal(new Shape(8, 6));
            float[] hidden = hidden(plain, scope, first);
            block.forward(new ParameterStore(scope, false), new NDList(first), true);
            TensorRange range = quantization.observedRanges().get("a1");
            assertThat(range.min()).isEqualTo(min(hidden));
            assertThat(range.max()).isEqualTo(max(hidden));

            NDArray second = scope.randomNormal(new Shape(8, 6)).mul(3);
            float[] secondHidden = hidden(plain, scope, second);
            block.forward(new ParameterStore(scope, false), new NDList(second), true);
            TensorRange averaged = quantization.observedRanges().get("a1");
            assertThat(averaged.max()).isCloseTo(range.max() + 0.5f * (max(secondHidden) - range.max()),
                    within(1e-6f));

            // Inference: the frozen range, quantize-dequantize of the Relu output, as the static quantizer's QDQ pair.
            ActivationParameters parameters = ActivationType.UINT8.parameters(averaged);
            NDArray third = scope.randomNormal(new Shape(8, 6)).mul(5);
            float[] thirdHidden = hidden(plain, scope, third);
            NDList output = block.forward(new ParameterStore(scope, false), new NDList(third), false);
            assertThat(quantization.observedRanges().get("a1")).isEqualTo(averaged);
            NDArray expectedHidden = scope.create(quantizeDequantize(thirdHidden, parameters),
                    new Shape(8, 5));
            NDArray w2 = scope.create(TensorArrays.floats(model.getGraph().getInitializer(2)),
                    new Shape(3, 5));
            NDArray b2 = scope.create(TensorArrays.floats(model.getGraph().getInitializer(3)));
            float[] expected = expectedHidden.matMul(w2.transpose()).add(b2).toFloatArray();
            assertThat(output.singletonOrThrow().toFloatArray()).containsExactly(expected, within(1e-5f));
        }
    }

    @Test
    void activationGradientIsOneInsideTheRangeAndZeroOutside() {
        FakeQuantization quantization = new FakeQuantization(Map.of(), Set.of("t"), ActivationType.UINT8, 1f);
        TensorTransform transform = quantization.options().tensors();
        try (NDManager scope = PYTORCH.get().newSubManager()) {
            transform.apply("t", scope.create(new float[] {-1f, 2f}), true);
            NDArray x = scope.create(new float[] {-3f, -0.5f, 0.7f, 1.9f, 2.5f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine(OnnxGraphBlock.ENGINE).newGradientCollector()) {
                NDArray y = transform.apply("t", x, false);
                collector.backward(y.sum());
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(0f, 1f, 1f, 1f, 0f);
        }
    }

    @Test
    void calibratedRangesQuantizeBeforeAnyTrainingPassAndStartTheMovingAverage() {
        FakeQuantization quantization = new FakeQuantization(Map.of(), Set.of("t"), ActivationType.UINT8, 0.5f);
        quantization.startFrom(Map.of("t", new TensorRange(0f, 2.55f), "elsewhere", new TensorRange(0f, 1f)));
        TensorTransform transform = quantization.options().tensors();
        try (NDManager scope = PYTORCH.get().newSubManager()) {
            assertThat(transform.apply("t", scope.create(new float[] {0.004f, 3f}), false).toFloatArray())
                    .containsExactly(new float[] {0f, 2.55f}, within(1e-6f));
            transform.apply("t", scope.create(new float[] {-1f, 1f}), true);
        }
        assertThat(quantization.observedRanges()).containsOnlyKeys("t");
        assertThat(quantization.observedRanges().get("t").min()).isCloseTo(-0.5f, within(1e-6f));
        assertThat(quantization.observedRanges().get("t").max()).isCloseTo(1.775f, within(1e-6f));
    }

    @Test
    void choosesWhatStaticQuantizationWouldQuantize() {
        FakeQuantization quantization = FakeQuantization.like(ConvTestModels.cnn(13, 1),
                StaticQuantizationOptions.defaults());
        assertThat(quantization.weightAxes()).containsEntry("conv1.weight", 0).containsEntry("depthwise.weight", 0)
                .containsEntry("pointwise.weight", 0).containsEntry("fc.weight", 0);
        assertThat(quantization.activations()).contains("image", "c1");
        ModelProto gemm = TestModels.transformerBlock(8, 1);
        assertThat(FakeQuantization.like(gemm, StaticQuantizationOptions.defaults()).weightAxes())
                .containsEntry("q.weight", 1);
    }

    /** The Relu output "a1" of the MLP's first layer, computed with DJL from the block's parameters. */
    private static float[] hidden(OnnxGraphBlock plain, NDManager scope, NDArray input) {
        NDArray w1 = plain.getParameters().get("fc1.weight").getArray();
        NDArray b1 = plain.getParameters().get("fc1.bias").getArray();
        return input.matMul(w1.transpose()).add(b1).maximum(0).toFloatArray();
    }

    private static float[] quantizeDequantize(float[] values, ActivationParameters parameters) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            double q = Math.clamp(Math.rint(values[i] / parameters.scale()) + parameters.zeroPoint(), 0, 255);
            result[i] = (float) ((q - parameters.zeroPoint()) * parameters.scale());
        }
        return result;
    }

    private static float min(float[] values) {
        float min = Float.POSITIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }
}
