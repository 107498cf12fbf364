package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.TaskCancelledException;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.testing.ConvTestModels;
import io.condenser.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicQuantizerTest {

    private static final EvaluationSettings FIDELITY = new EvaluationSettings(64, 16, 3, 1, Map.of(), 7);

    @TempDir
    Path dir;

    private final DynamicQuantizer quantizer = new DynamicQuantizer();

    @Test
    void mlpGemmsBecomeIntegerProductsThatRunInOnnxRuntimeAndAgreeWithTheOriginal() throws Exception {
        ModelProto original = TestModels.mlp(784, 300, 10, 1);
        QuantizedModel quantized = quantizer.quantize(original, DynamicQuantizationOptions.defaults(),
                TaskMonitor.NONE);

        ModelValidator.validate(quantized.model());
        assertThat(quantized.report().quantized()).containsEntry("Gemm", 2);
        Map<String, Integer> ops = ModelInspector.inspect(quantized.model()).operators();
        assertThat(ops).containsEntry("MatMulInteger", 2).containsEntry("DynamicQuantizeLinear", 2)
                .doesNotContainKey("Gemm");
        assertThat(floatWeightNames(quantized.model())).doesNotContain("fc1.weight", "fc2.weight");

        FidelityReport fidelity = compare(original, quantized.model());
        assertThat(fidelity.cosineMin()).isGreaterThan(0.995);
        assertThat(fidelity.top1Agreement()).isGreaterThan(0.95);
        long before = Files.size(dir.resolve("original.onnx"));
        long after = Files.size(dir.resolve("quantized.onnx"));
        assertThat((double) after / before).isLessThan(0.27);
    }

    @Test
    void transformerBlockQuantizesWeightProductsAndLeavesAttentionProductsInFloat() throws Exception {
        ModelProto original = TestModels.transformerBlock(64, 2);
        QuantizedModel quantized = quantizer.quantize(original, DynamicQuantizationOptions.defaults(),
                TaskMonitor.NONE);

        assertThat(quantized.report().quantized()).containsEntry("MatMul", 4);
        assertThat(quantized.report().skipped()).hasSize(2)
                .allSatisfy(s -> assertThat(s.reason()).contains("computed, not a constant weight"));
        Map<String, Integer> ops = ModelInspector.inspect(quantized.model()).operators();
        assertThat(ops).containsEntry("MatMul", 2).containsEntry("MatMulInteger", 4)
                .containsEntry("LayerNormalization", 1).containsEntry("Softmax", 1);
        // Q, K and V read the same normalized activations: they are quantized once.
        assertThat(ops).containsEntry("DynamicQuantizeLinear", 2);

        FidelityReport fidelity = compare(original, quantized.model());
        assertThat(fidelity.cosineMin()).isGreaterThan(0.99);
    }

    @Test
    void embeddingTablesAreStoredAsUint8AndOnlyGatheredRowsAreDequantized() throws Exception {
        ModelProto original = TestModels.embedding(1000, 32, 16, 3);
        QuantizedModel quantized = quantizer.quantize(original, DynamicQuantizationOptions.defaults(),
                TaskMonitor.NONE);

        assertThat(quantized.report().quantized()).containsEntry("Gather", 1).containsEntry("MatMul", 1);
        TensorProto table = quantized.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getDimsCount() == 2 && t.getDims(0) == 1000).findFirst().orElseThrow();
        assertThat(table.getDataType()).isEqualTo(DataType.UINT8_VALUE);
        NodeProto gather = quantized.model().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Gather")).findFirst().orElseThrow();
        assertThat(gather.getInput(0)).isEqualTo(table.getName());

        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
    }

    @Test
    void embeddingsStayInFloatWhenTheUserSaysSo() {
        ModelProto original = TestModels.embedding(100, 8, 4, 3);
        QuantizedModel quantized = quantizer.quantize(original,
                new DynamicQuantizationOptions(WeightType.INT8, true, false, false, false), TaskMonitor.NONE);
        assertThat(quantized.report().quantized()).doesNotContainKey("Gather");
        assertThat(floatWeightNames(quantized.model())).contains("embeddings");
    }

    @Test
    void unsignedAsymmetricPerTensorWeightsAlsoRun() throws Exception {
        ModelProto original = TestModels.mlp(64, 32, 10, 4);
        QuantizedModel quantized = quantizer.quantize(original,
                new DynamicQuantizationOptions(WeightType.UINT8, false, true, false, false), TaskMonitor.NONE);
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
    }

    @Test
    void convolutionsStayFloatUnlessAskedForBecauseConvIntegerIsSlower() {
        QuantizedModel quantized = quantizer.quantize(ConvTestModels.cnn(17, 1),
                DynamicQuantizationOptions.defaults(), TaskMonitor.NONE);

        assertThat(quantized.report().quantized()).doesNotContainKey("Conv").containsEntry("Gemm", 1);
        assertThat(quantized.report().skipped()).filteredOn(s -> s.opType().equals("Conv")).hasSize(3)
                .allSatisfy(s -> assertThat(s.reason()).contains("static quantization"));
    }

    @Test
    void convolutionsBecomeConvIntegerThatRunsAndAgreesWithTheOriginal() throws Exception {
        ModelProto original = ConvTestModels.cnn(17, 1);
        QuantizedModel quantized = quantizer.quantize(original,
                DynamicQuantizationOptions.defaults().withConvolutions(), TaskMonitor.NONE);

        ModelValidator.validate(quantized.model());
        assertThat(quantized.report().quantized()).containsEntry("Conv", 3).containsEntry("Gemm", 1);
        assertThat(ModelInspector.inspect(quantized.model()).operators()).containsEntry("ConvInteger", 3)
                .doesNotContainKey("Conv");
        // Per-channel int8 weights, one scalar zero point: the only per-channel form ConvInteger's kernel runs.
        assertThat(convIntegerWeightZeroPoints(quantized.model())).allSatisfy(zp -> {
            assertThat(zp.getDimsCount()).isZero();
            assertThat(zp.getDataType()).isEqualTo(DataType.INT8_VALUE);
        });
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
    }

    @Test
    void uint8ConvolutionWeightsAreQuantizedPerTensor() throws Exception {
        ModelProto original = ConvTestModels.cnn(17, 2);
        QuantizedModel quantized = quantizer.quantize(original,
                new DynamicQuantizationOptions(WeightType.UINT8, true, true, false, true), TaskMonitor.NONE);

        assertThat(convIntegerWeightZeroPoints(quantized.model())).hasSize(3).allSatisfy(zp -> {
            assertThat(zp.getDimsCount()).isZero();
            assertThat(zp.getDataType()).isEqualTo(DataType.UINT8_VALUE);
        });
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
    }

    @Test
    void reduceRangeKeepsWeightsWithinSevenBits() throws Exception {
        ModelProto original = TestModels.mlp(64, 32, 10, 8);
        QuantizedModel quantized = quantizer.quantize(original,
                new DynamicQuantizationOptions(WeightType.INT8, true, true, true, false), TaskMonitor.NONE);

        List<TensorProto> weights = quantized.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == DataType.INT8_VALUE && t.getDimsCount() == 2).toList();
        assertThat(weights).hasSize(2).allSatisfy(weight -> {
            byte[] values = weight.getRawData().toByteArray();
            int largest = 0;
            for (byte value : values) {
                largest = Math.max(largest, Math.abs(value));
            }
            assertThat(largest).isEqualTo(64);
        });
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
    }

    @Test
    void aWeightThatCallersMayOverrideIsLeftAlone() {
        ModelProto original = TestModels.mlp(16, 8, 4, 5);
        ModelProto overridable = original.toBuilder().setGraph(original.getGraph().toBuilder()
                .addInput(OnnxGraphBuilder.valueInfo("fc2.weight", DataType.FLOAT, 4, 8))).build();

        QuantizedModel quantized = quantizer.quantize(overridable, DynamicQuantizationOptions.defaults(),
                TaskMonitor.NONE);

        assertThat(quantized.report().quantized()).containsEntry("Gemm", 1);
        assertThat(quantized.report().skipped()).singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("also a graph input"));
        assertThat(floatWeightNames(quantized.model())).contains("fc2.weight");
    }

    @Test
    void modelsBelowOpset11AreRefusedWithTheReason() {
        ModelProto old = TestModels.mlp(16, 8, 4, 6).toBuilder().setOpsetImport(0,
                ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(9)).build();
        assertThatThrownBy(() -> quantizer.quantize(old, DynamicQuantizationOptions.defaults(), TaskMonitor.NONE))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("opset 11").hasMessageContaining("opset 9");
    }

    @Test
    void cancellationStopsTheRewrite() {
        TaskMonitor cancelled = new TaskMonitor() {
            @Override
            public void progress(double fraction, String message) {
            }

            @Override
            public void checkCancelled() {
                throw new TaskCancelledException("stop");
            }
        };
        assertThatThrownBy(() -> quantizer.quantize(TestModels.mlp(16, 8, 4, 7),
                DynamicQuantizationOptions.defaults(), cancelled)).isInstanceOf(TaskCancelledException.class);
    }

    private FidelityReport compare(ModelProto original, ModelProto quantized) throws Exception {
        Path originalFile = TestModels.write(original, dir.resolve("original.onnx"));
        Path quantizedFile = TestModels.write(quantized, dir.resolve("quantized.onnx"));
        return new ModelComparison(RuntimeSettings.cpu(1))
                .compare(originalFile, quantizedFile, FIDELITY, TaskMonitor.NONE).fidelity();
    }

    private static List<TensorProto> convIntegerWeightZeroPoints(ModelProto model) {
        Map<String, TensorProto> initializers = model.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ConvInteger"))
                .map(n -> initializers.get(n.getInput(3))).toList();
    }

    private static List<String> floatWeightNames(ModelProto model) {
        return model.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == DataType.FLOAT_VALUE && t.getDimsCount() == 2)
                .map(TensorProto::getName).collect(Collectors.toList());
    }
}
