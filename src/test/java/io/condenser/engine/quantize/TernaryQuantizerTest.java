package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.engine.quantize.TernaryOptions.Levels;
import io.condenser.testing.FormatTestModels;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TernaryQuantizerTest {

    @TempDir
    Path dir;

    private final TernaryQuantizer quantizer = new TernaryQuantizer();

    @Test
    void ternaryFollowsTwnThresholdAndScale() {
        // mean|W| = 1.0, so Δ = 0.7; |W| > Δ: 2.0, 1.2, 0.8 → α = 4.0 / 3.
        float[] w = {2.0f, -0.5f, 1.2f, -0.8f, 0.0f, 0.5f};
        EncodedWeight encoded = TernaryEncoder.encode(FloatBuffer.wrap(w), new long[] {2, 3}, 0,
                new TernaryOptions(Levels.TERNARY, false), StorageType.INT4);

        assertThat(encoded.values()).containsExactly(1, 0, 1, -1, 0, 0);
        assertThat(encoded.scales()[0]).isCloseTo(4.0f / 3, within(1e-6f));
        assertThat(encoded.scaleDims()).isEmpty();
    }

    @Test
    void binaryPerChannelUsesEachChannelsMeanMagnitude() {
        // Channels along axis 1 of a [2][2] matrix: column 0 = {1, -3}, column 1 = {0.5, 0.5}.
        float[] w = {1.0f, 0.5f, -3.0f, 0.5f};
        EncodedWeight encoded = TernaryEncoder.encode(FloatBuffer.wrap(w), new long[] {2, 2}, 1,
                new TernaryOptions(Levels.BINARY, true), StorageType.INT4);

        assertThat(encoded.values()).containsExactly(1, 1, -1, 1);
        assertThat(encoded.scales()).containsExactly(2.0f, 0.5f);
        assertThat(encoded.dequantize()).containsExactly(2.0f, 0.5f, -2.0f, 0.5f);
    }

    @Test
    void cnnConvAndGemmWeightsBecomeInt4TernaryThatOnnxRuntimeRunsAsTheTernarizedModel() throws Exception {
        ModelProto original = FormatTestModels.cnn(1);
        TernaryOptions options = TernaryOptions.ternary();

        ConvertedModel<WeightEncodingReport> result = quantizer.quantize(original, options, TaskMonitor.NONE);

        WeightEncodingReport report = result.report();
        assertThat(report.encoded()).containsEntry("Conv", 1).containsEntry("Gemm", 1);
        assertThat(report.storage()).isEqualTo(StorageType.INT4);
        assertThat(report.opsetAfter()).isEqualTo(21);
        assertThat(report.weights()).isEqualTo(36 + 1000);
        // For Gaussian weights about 42 % fall inside ±0.7·mean|W|.
        assertThat(report.sparsity()).isBetween(0.3, 0.55);
        assertThat(report.bitsPerWeight()).isBetween(4.0, 4.6);
        assertThat(ModelInspector.inspect(result.model()).operators()).containsEntry("DequantizeLinear", 2);
        assertThat(result.model().getGraph().getInitializerList()).filteredOn(t -> t.getDimsCount() > 1)
                .allSatisfy(t -> assertThat(t.getDataType()).isEqualTo(DataType.INT4_VALUE));

        assertThat(RuntimeComparison.exactDifference(ternarized(original, options), result.model()))
                .isLessThan(1e-4);
        // Ternary weights without retraining are a coarse approximation, yet still correlated with the original.
        assertThat(RuntimeComparison.compare(dir, original, result.model()).cosineMean()).isBetween(0.6, 0.99);
    }

    @Test
    void binaryWeightsHaveNoZeros() throws Exception {
        ModelProto original = FormatTestModels.cnn(2);
        TernaryOptions options = new TernaryOptions(Levels.BINARY, false);

        ConvertedModel<WeightEncodingReport> result = quantizer.quantize(original, options, TaskMonitor.NONE);

        assertThat(result.report().zeros()).isZero();
        assertThat(RuntimeComparison.exactDifference(ternarized(original, options), result.model()))
                .isLessThan(1e-4);
    }

    @Test
    void aModelThatCannotReachOpset21IsStoredAsInt8WhenItsOpsetAllows() throws Exception {
        ModelProto original = FormatTestModels.softmaxOpset11(3);
        TernaryOptions perLayer = new TernaryOptions(Levels.TERNARY, false);

        WeightPlan plan = TernaryQuantizer.plan(original, perLayer);
        ConvertedModel<WeightEncodingReport> result = quantizer.quantize(original, perLayer, TaskMonitor.NONE);

        assertThat(plan.storage()).isEqualTo(StorageType.INT8);
        assertThat(plan.raisesOpset()).isFalse();
        assertThat(result.report().opsetAfter()).isEqualTo(11);
        assertThat(RuntimeComparison.exactDifference(ternarized(original, perLayer), result.model()))
                .isLessThan(1e-5);
        // One scale per channel needs DequantizeLinear's axis (opset 13): refused, with the reason.
        assertThatThrownBy(() -> TernaryQuantizer.plan(original, TernaryOptions.ternary()))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("opset 13").hasMessageContaining("Softmax");
    }

    /** The original with each encoded weight replaced by its ternary (or binary) values. */
    private static ModelProto ternarized(ModelProto original, TernaryOptions options) {
        WeightPlan plan = TernaryQuantizer.plan(original, options);
        Map<String, float[]> restored = new HashMap<>();
        for (WeightSlot slot : plan.slots()) {
            restored.put(slot.weight().getName(), TernaryEncoder.encode(OnnxTensors.floats(slot.weight()),
                    slot.dims(), slot.channelAxis(), options, plan.storage()).dequantize());
        }
        return FormatTestModels.withWeights(original, restored);
    }
}
