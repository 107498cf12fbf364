package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.TaskCancelledException;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.eval.SyntheticInputs;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.testing.ConvTestModels;
import io.condenser.testing.OptimizedGraphs;
import io.condenser.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StaticQuantizerTest {

    /** Held-out inputs: the comparison's seeds (7, 8, ...) differ from the calibration seeds (1000, 1001, ...). */
    private static final EvaluationSettings FIDELITY = new EvaluationSettings(128, 32, 1, 0, Map.of(), 7);

    @TempDir
    Path dir;

    private final StaticQuantizer quantizer = new StaticQuantizer(RuntimeSettings.cpu(1));

    @ParameterizedTest
    @EnumSource(CalibrationMethod.class)
    void cnnBecomesQdqThatOnnxRuntimeRunsOnIntegerKernels(CalibrationMethod method) throws Exception {
        ModelProto original = ConvTestModels.cnn(17, 1);
        StaticQuantizedModel quantized = quantizer.quantize(original, options(method),
                calibrationData(original, 8, 32), TaskMonitor.NONE);

        ModelValidator.validate(quantized.model());
        StaticQuantizationReport report = quantized.report();
        assertThat(report.foldedBatchNorms()).isEqualTo(2);
        assertThat(report.absorbedActivations()).isEqualTo(3);
        assertThat(report.calibratedTensors()).isEqualTo(4);
        assertThat(report.calibration()).isEqualTo(method);
        assertThat(report.operators().quantized()).containsExactlyInAnyOrderEntriesOf(
                Map.of("Conv", 3, "Gemm", 1, "MaxPool", 2, "Flatten", 1));
        assertThat(report.operators().skipped()).isEmpty();
        assertThat(ModelInspector.inspect(quantized.model()).operators())
                .doesNotContainKeys("BatchNormalization", "Relu").containsKeys("QuantizeLinear", "DequantizeLinear");
        assertThat(quantized.model().getGraph().getInputList()).isEqualTo(original.getGraph().getInputList());
        assertThat(quantized.model().getGraph().getOutputList()).isEqualTo(original.getGraph().getOutputList());
        assertThat(floatMatrices(quantized.model())).isEmpty();

        FidelityReport fidelity = compare(original, quantized.model());
        assertThat(fidelity.cosineMin()).isGreaterThan(0.995);
        assertThat(fidelity.top1Agreement()).isGreaterThan(0.95);
        assertThat(optimizedOperators(quantized.model()))
                .containsEntry("QLinearConv", 3).containsEntry("com.microsoft.QGemm", 1)
                .doesNotContainKeys("Conv", "Gemm", "DequantizeLinear");
    }

    @Test
    void mlpBecomesIntegerGemmsAtAQuarterOfTheSize() throws Exception {
        ModelProto original = TestModels.mlp(784, 300, 10, 1);
        StaticQuantizedModel quantized = quantizer.quantize(original, StaticQuantizationOptions.defaults(),
                calibrationData(original, 4, 64), TaskMonitor.NONE);

        assertThat(quantized.report().operators().quantized()).containsExactlyEntriesOf(Map.of("Gemm", 2));
        assertThat(quantized.report().absorbedActivations()).isEqualTo(1);
        FidelityReport fidelity = compare(original, quantized.model());
        assertThat(fidelity.cosineMin()).isGreaterThan(0.99);
        assertThat(fidelity.top1Agreement()).isGreaterThan(0.95);
        assertThat((double) Files.size(dir.resolve("quantized.onnx")) / Files.size(dir.resolve("original.onnx")))
                .isLessThan(0.26);
        assertThat(optimizedOperators(quantized.model())).containsEntry("com.microsoft.QGemm", 2)
                .doesNotContainKey("Gemm");
    }

    @Test
    void transformerBlockQuantizesWeightAndAttentionProducts() throws Exception {
        ModelProto original = TestModels.transformerBlock(64, 2);
        StaticQuantizedModel quantized = quantizer.quantize(original, StaticQuantizationOptions.defaults(),
                calibrationData(original, 4, 8), TaskMonitor.NONE);

        ModelValidator.validate(quantized.model());
        // Four projections with constant weights and the two activation × activation products of attention.
        assertThat(quantized.report().operators().quantized()).containsEntry("MatMul", 6);
        assertThat(quantized.report().operators().skipped()).isEmpty();
        FidelityReport fidelity = compare(original, quantized.model());
        assertThat(fidelity.cosineMin()).isGreaterThan(0.98);
        Map<String, Integer> optimized = optimizedOperators(quantized.model());
        int integerProducts = optimized.getOrDefault("QLinearMatMul", 0)
                + optimized.getOrDefault("com.microsoft.MatMulIntegerToFloat", 0);
        assertThat(integerProducts).isEqualTo(6);
        assertThat(optimized).doesNotContainKey("MatMul");
    }

    @Test
    void residualAddOfTwoQuantizedTensorsRunsOnIntegers() throws Exception {
        ModelProto original = ConvTestModels.residualBlock(5);
        StaticQuantizedModel quantized = quantizer.quantize(original, StaticQuantizationOptions.defaults(),
                calibrationData(original, 4, 16), TaskMonitor.NONE);

        assertThat(quantized.report().operators().quantized()).containsEntry("Conv", 4).containsEntry("Add", 1);
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
        assertThat(optimizedOperators(quantized.model())).containsEntry("QLinearConv", 4)
                .containsEntry("com.microsoft.QLinearAdd", 1).doesNotContainKeys("Conv", "Add");
    }

    @Test
    void aClipFromZeroIsAbsorbedIntoTheQuantizationOfItsInput() throws Exception {
        ModelProto original = ConvTestModels.gemmRelu6(6);
        StaticQuantizedModel quantized = quantizer.quantize(original, StaticQuantizationOptions.defaults(),
                calibrationData(original, 4, 32), TaskMonitor.NONE);

        assertThat(quantized.report().absorbedActivations()).isEqualTo(1);
        assertThat(ModelInspector.inspect(quantized.model()).operators()).doesNotContainKey("Clip");
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
        assertThat(optimizedOperators(quantized.model())).containsEntry("com.microsoft.QGemm", 2);
    }

    @Test
    void aQuantizedConvOutputThatIsAlsoAGraphOutputKeepsItsNameAndFloatType() throws Exception {
        ModelProto original = ConvTestModels.convWithSharedOutput(7);
        StaticQuantizedModel quantized = quantizer.quantize(original, StaticQuantizationOptions.defaults(),
                calibrationData(original, 4, 8), TaskMonitor.NONE);

        ModelValidator.validate(quantized.model());
        assertThat(quantized.report().foldedBatchNorms()).isZero();
        assertThat(quantized.report().operators().skipped()).singleElement()
                .satisfies(s -> assertThat(s.opType()).isEqualTo("BatchNormalization"));
        assertThat(quantized.model().getGraph().getOutputList()).isEqualTo(original.getGraph().getOutputList());
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
        assertThat(optimizedOperators(quantized.model())).containsEntry("QLinearConv", 1);
    }

    @Test
    void int8ActivationsAlsoRunOnIntegerKernels() throws Exception {
        ModelProto original = ConvTestModels.cnn(17, 2);
        StaticQuantizationOptions options = new StaticQuantizationOptions(ActivationType.INT8, true,
                CalibrationOptions.of(CalibrationMethod.MIN_MAX), true);
        StaticQuantizedModel quantized = quantizer.quantize(original, options, calibrationData(original, 4, 32),
                TaskMonitor.NONE);

        assertThat(quantized.model().getGraph().getInitializerList()).filteredOn(t -> t.getName().endsWith("_zp"))
                .isNotEmpty().allSatisfy(t -> assertThat(t.getDataType()).isEqualTo(DataType.INT8_VALUE));
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.995);
        assertThat(optimizedOperators(quantized.model())).containsEntry("QLinearConv", 3);
    }

    @Test
    void perTensorWeightsServeOpset12WherePerChannelIsRefused() throws Exception {
        ModelProto original = ConvTestModels.cnn(12, 3);
        assertThat(StaticQuantizationPlan.whyNotApplicable(original, StaticQuantizationOptions.defaults()))
                .hasValueSatisfying(why -> assertThat(why).contains("opset 13").contains("opset 12")
                        .contains("perChannel=false"));

        StaticQuantizationOptions perTensor = new StaticQuantizationOptions(ActivationType.UINT8, false,
                CalibrationOptions.of(CalibrationMethod.PERCENTILE), true);
        assertThat(StaticQuantizationPlan.whyNotApplicable(original, perTensor)).isEmpty();
        StaticQuantizedModel quantized = quantizer.quantize(original, perTensor, calibrationData(original, 4, 32),
                TaskMonitor.NONE);
        assertThat(quantized.model().getGraph().getNodeList())
                .filteredOn(n -> n.getOpType().equals("DequantizeLinear"))
                .allSatisfy(n -> assertThat(OnnxNodes.find(n, "axis")).isEmpty());
        assertThat(compare(original, quantized.model()).cosineMin()).isGreaterThan(0.99);
        assertThat(optimizedOperators(quantized.model())).containsEntry("QLinearConv", 3);
    }

    @Test
    void modelsBelowOpset10AreRefusedBeforeAnyWork() {
        ModelProto old = TestModels.mlp(16, 8, 4, 6).toBuilder()
                .setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(9)).build();
        StaticQuantizationOptions perTensor = new StaticQuantizationOptions(ActivationType.UINT8, false,
                CalibrationOptions.of(CalibrationMethod.MIN_MAX), true);
        assertThat(StaticQuantizationPlan.whyNotApplicable(old, perTensor))
                .hasValueSatisfying(why -> assertThat(why).contains("opset 10").contains("opset 9"));
        assertThatThrownBy(() -> quantizer.quantize(old, perTensor, List.of(), TaskMonitor.NONE))
                .isInstanceOf(UnsupportedModelException.class);
    }

    @Test
    void aModelWithNothingToQuantizeIsExplained() {
        ModelProto activationsOnly = OnnxGraphBuilder.create("relu", 17)
                .input("x", DataType.FLOAT, "batch", 4)
                .input("w", DataType.FLOAT, 4, 4)
                .node("Gemm", List.of("x", "w"), List.of("y"), OnnxNodes.attribute("transA", 1L))
                .node("Relu", List.of("y"), List.of("out"))
                .output("out", DataType.FLOAT, "batch", 4)
                .build();
        assertThat(StaticQuantizationPlan.whyNotApplicable(activationsOnly, StaticQuantizationOptions.defaults()))
                .hasValueSatisfying(why -> assertThat(why).contains("no Conv, Gemm or MatMul").contains("transA"));
    }

    @Test
    void aBiasTooLargeForInt32AtTheUsualScaleRaisesTheWeightScaleInstead() throws Exception {
        ModelProto original = ConvTestModels.tinyWeightsLargeBias(4);
        StaticQuantizedModel quantized = quantizer.quantize(original, StaticQuantizationOptions.defaults(),
                calibrationData(original, 2, 16), TaskMonitor.NONE);

        FidelityReport fidelity = compare(original, quantized.model());
        assertThat(fidelity.cosineMin()).isGreaterThan(0.999);
        assertThat(fidelity.maxAbsDiff()).isLessThan(0.5);
        assertThat(optimizedOperators(quantized.model())).containsEntry("QLinearConv", 1);
    }

    @Test
    void calibrationStopsBetweenBatchesWhenCancelled() {
        ModelProto original = ConvTestModels.cnn(17, 4);
        List<List<HostTensor>> data = calibrationData(original, 8, 4);
        AtomicInteger read = new AtomicInteger();
        Iterable<List<HostTensor>> counted = () -> new Iterator<>() {
            private final Iterator<List<HostTensor>> batches = data.iterator();

            @Override
            public boolean hasNext() {
                return batches.hasNext();
            }

            @Override
            public List<HostTensor> next() {
                read.incrementAndGet();
                return batches.next();
            }
        };
        TaskMonitor cancelAfterTwoBatches = new TaskMonitor() {
            @Override
            public void progress(double fraction, String message) {
            }

            @Override
            public void checkCancelled() {
                if (read.get() > 2) {
                    throw new TaskCancelledException("stop");
                }
            }
        };
        assertThatThrownBy(() -> quantizer.quantize(original, StaticQuantizationOptions.defaults(), counted,
                cancelAfterTwoBatches)).isInstanceOf(TaskCancelledException.class);
        assertThat(read.get()).isEqualTo(3);
    }

    private static StaticQuantizationOptions options(CalibrationMethod method) {
        return StaticQuantizationOptions.defaults().withCalibration(CalibrationOptions.of(method));
    }

    private static List<List<HostTensor>> calibrationData(ModelProto model, int batches, int batchSize) {
        SyntheticInputs inputs = SyntheticInputs.of(model);
        List<List<HostTensor>> data = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            data.add(inputs.batch(batchSize, Map.of(), 1000 + b));
        }
        return data;
    }

    private FidelityReport compare(ModelProto original, ModelProto quantized) throws Exception {
        Path originalFile = TestModels.write(original, dir.resolve("original.onnx"));
        Path quantizedFile = TestModels.write(quantized, dir.resolve("quantized.onnx"));
        return new ModelComparison(RuntimeSettings.cpu(1))
                .compare(originalFile, quantizedFile, FIDELITY, TaskMonitor.NONE).fidelity();
    }

    private Map<String, Integer> optimizedOperators(ModelProto model) throws Exception {
        Path file = TestModels.write(model, dir.resolve("for-optimization.onnx"));
        return OptimizedGraphs.operators(file, dir.resolve("optimized.onnx"));
    }

    /** Float initializers of rank 2 or more: weights that stayed in float. */
    private static List<String> floatMatrices(ModelProto model) {
        return model.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == DataType.FLOAT_VALUE && t.getDimsCount() >= 2)
                .map(TensorProto::getName).toList();
    }
}
