package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.testing.FormatTestModels;
import io.condenser.testing.TestModels;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightOnlyQuantizerTest {

    @TempDir
    Path dir;

    private final WeightOnlyQuantizer quantizer = new WeightOnlyQuantizer();

    @Test
    void int4BlocksOfAnMlpRunInOnnxRuntimeAsExactlyTheDequantizedProduct() throws Exception {
        ModelProto original = TestModels.mlp(784, 300, 10, 1);
        WeightOnlyOptions options = WeightOnlyOptions.defaults();

        ConvertedModel<WeightEncodingReport> result = quantizer.quantize(original, options, TaskMonitor.NONE);

        WeightEncodingReport report = result.report();
        assertThat(report.encoded()).containsEntry("Gemm", 2);
        assertThat(report.storage()).isEqualTo(StorageType.UINT4);
        assertThat(report.opsetBefore()).isEqualTo(17);
        assertThat(report.opsetAfter()).isEqualTo(21);
        assertThat(report.weights()).isEqualTo(784 * 300 + 300 * 10);
        assertThat(report.bitsPerWeight()).isBetween(4.5, 4.7);
        assertThat(report.relativeError()).isBetween(0.01, 0.15);
        ModelProto quantized = result.model();
        assertThat(ModelInspector.inspect(quantized).operators()).containsEntry("DequantizeLinear", 2)
                .containsEntry("Gemm", 2);
        assertThat(quantized.getIrVersion()).isGreaterThanOrEqualTo(10);
        NodeProto dequantize = node(quantized, "DequantizeLinear");
        assertThat(OnnxNodes.intAttribute(dequantize, "axis", -1)).isEqualTo(1);
        assertThat(OnnxNodes.intAttribute(dequantize, "block_size", 0)).isEqualTo(64);
        TensorProto fc1 = GraphIndex.of(quantized).initializer(dequantize.getInput(0)).orElseThrow();
        assertThat(fc1.getDataType()).isEqualTo(DataType.UINT4_VALUE);
        assertThat(fc1.getRawData().size()).isEqualTo(784 * 300 / 2);
        assertThat(floatMatrices(quantized)).doesNotContain("fc1.weight", "fc2.weight");

        assertThat(RuntimeComparison.exactDifference(dequantizedReference(original, options), quantized))
                .isLessThan(1e-4);
        FidelityReport fidelity = RuntimeComparison.compare(dir, original, quantized);
        assertThat(fidelity.cosineMean()).isGreaterThan(0.98);
        assertThat(fidelity.cosineMin()).isGreaterThan(0.9);
        assertThat(fidelity.top1Agreement()).isGreaterThan(0.8);
        assertThat((double) RuntimeComparison.fileSize(dir, quantized) / RuntimeComparison.fileSize(dir, original))
                .isLessThan(0.16);
    }

    @Test
    void symmetricInt4WithPartialBlocksAndOddCountsIsExact() throws Exception {
        ModelProto original = TestModels.mlp(50, 31, 7, 2);
        WeightOnlyOptions options = new WeightOnlyOptions(4, 16, true);

        ModelProto quantized = quantizer.quantize(original, options, TaskMonitor.NONE).model();

        TensorProto scale = GraphIndex.of(quantized).initializer(node(quantized, "DequantizeLinear").getInput(1))
                .orElseThrow();
        assertThat(scale.getDimsList()).containsExactly(31L, 4L);
        assertThat(node(quantized, "DequantizeLinear").getInputCount()).isEqualTo(2);
        assertThat(RuntimeComparison.exactDifference(dequantizedReference(original, options), quantized))
                .isLessThan(1e-4);
    }

    @Test
    void gemmKeepsAlphaBetaBiasAndTranspositionAndIsQuantizedAlongItsReductionAxis() throws Exception {
        for (boolean transposed : new boolean[] {false, true}) {
            ModelProto original = FormatTestModels.gemm(40, 24, 0.5f, 2.0f, transposed, 3);
            WeightOnlyOptions options = new WeightOnlyOptions(4, 16, false);

            ModelProto quantized = quantizer.quantize(original, options, TaskMonitor.NONE).model();

            NodeProto gemm = node(quantized, "Gemm");
            assertThat(OnnxNodes.floatAttribute(gemm, "alpha", 1)).isEqualTo(0.5f);
            assertThat(OnnxNodes.floatAttribute(gemm, "beta", 1)).isEqualTo(2.0f);
            assertThat(gemm.getInput(2)).isEqualTo("c");
            assertThat(OnnxNodes.intAttribute(node(quantized, "DequantizeLinear"), "axis", -1))
                    .isEqualTo(transposed ? 1 : 0);
            assertThat(RuntimeComparison.exactDifference(dequantizedReference(original, options), quantized))
                    .as("transB=%s", transposed).isLessThan(1e-4);
            assertThat(RuntimeComparison.compare(dir, original, quantized).cosineMin()).isGreaterThan(0.98);
        }
    }

    @Test
    void int8PerChannelKeepsTheOpsetAndLeavesActivationProductsInFloat() throws Exception {
        ModelProto original = TestModels.transformerBlock(64, 4);
        WeightOnlyOptions options = new WeightOnlyOptions(8, 0, true);

        ConvertedModel<WeightEncodingReport> result = quantizer.quantize(original, options, TaskMonitor.NONE);

        assertThat(result.report().encoded()).containsEntry("MatMul", 4);
        assertThat(result.report().skipped()).hasSize(2)
                .allSatisfy(s -> assertThat(s.reason()).contains("computed"));
        assertThat(result.report().opsetAfter()).isEqualTo(17);
        NodeProto dequantize = node(result.model(), "DequantizeLinear");
        assertThat(OnnxNodes.intAttribute(dequantize, "axis", -1)).isEqualTo(1);
        assertThat(OnnxNodes.find(dequantize, "block_size")).isEmpty();
        assertThat(RuntimeComparison.exactDifference(dequantizedReference(original, options), result.model()))
                .isLessThan(1e-4);
        assertThat(RuntimeComparison.compare(dir, original, result.model()).cosineMin()).isGreaterThan(0.999);
    }

    @Test
    void anOpset13ModelWithReduceMeanIsRaisedAndStillComputesTheSame() throws Exception {
        ModelProto original = FormatTestModels.reduceMeanOpset13(5);
        WeightOnlyOptions options = WeightOnlyOptions.defaults();

        assertThat(WeightOnlyQuantizer.plan(original, options).raisesOpset()).isTrue();
        ModelProto quantized = quantizer.quantize(original, options, TaskMonitor.NONE).model();

        assertThat(ModelInspector.defaultOpset(quantized)).isEqualTo(21);
        assertThat(OnnxNodes.find(node(quantized, "ReduceMean"), "axes")).isEmpty();
        assertThat(RuntimeComparison.exactDifference(dequantizedReference(original, options), quantized))
                .isLessThan(1e-4);
    }

    @Test
    void aModelThatCannotBeRaisedIsRefusedBeforeAnyWorkNamingTheOperator() {
        ModelProto old = FormatTestModels.upsampleOpset9(6);
        for (WeightOnlyOptions options : List.of(WeightOnlyOptions.defaults(), new WeightOnlyOptions(8, 0, true))) {
            assertThatThrownBy(() -> WeightOnlyQuantizer.plan(old, options))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining("opset").hasMessageContaining("Upsample");
        }
    }

    @Test
    void aWeightAlsoReadByAnotherOperatorStaysFloatWithTheReason() {
        ModelProto model = OnnxGraphBuilder.create("tied", 17)
                .input("ids", DataType.INT64, "batch")
                .floatInitializer("table", new long[] {32, 32}, TestModels.gaussian(new java.util.SplittableRandom(7),
                        1024, 1))
                .node("Gather", List.of("table", "ids"), List.of("e"))
                .node("MatMul", List.of("e", "table"), List.of("y"))
                .output("y", DataType.FLOAT, "batch", 32)
                .build();

        ConvertedModel<WeightEncodingReport> result = quantizer.quantize(model, WeightOnlyOptions.defaults(),
                TaskMonitor.NONE);

        assertThat(result.report().encodedCount()).isZero();
        assertThat(result.report().skipped()).singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("also read by a Gather"));
        assertThat(result.model()).isSameAs(model);
    }

    @Test
    void optionsOutsideTheFormatsAreRefused() {
        assertThatThrownBy(() -> new WeightOnlyOptions(3, 32, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WeightOnlyOptions(4, 8, true)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The original with every MatMul/Gemm weight replaced by its quantized-then-restored values. */
    private static ModelProto dequantizedReference(ModelProto original, WeightOnlyOptions options) {
        WeightPlan plan = WeightOnlyQuantizer.plan(original, options);
        Map<String, float[]> restored = new HashMap<>();
        for (WeightSlot slot : plan.slots()) {
            restored.put(slot.weight().getName(), BlockQuantizer.quantize(OnnxTensors.floats(slot.weight()),
                    slot.dims(), slot.reductionAxis(), options.blockSize(), plan.storage()).dequantize());
        }
        return FormatTestModels.withWeights(original, restored);
    }

    private static NodeProto node(ModelProto model, String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).findFirst()
                .orElseThrow();
    }

    private static List<String> floatMatrices(ModelProto model) {
        return model.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == DataType.FLOAT_VALUE && t.getDimsCount() == 2)
                .map(TensorProto::getName).toList();
    }
}
