package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.testing.FormatTestModels;
import io.condenser.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Fp16ConverterTest {

    @TempDir
    Path dir;

    private final Fp16Converter converter = new Fp16Converter();

    @Test
    void weightsBecomeFp16WhileInputsAndOutputsKeepTheirNamesAndFp32Types() throws Exception {
        ModelProto original = TestModels.mlp(784, 300, 10, 1);

        ConvertedModel<Fp16Report> result = converter.convert(original, Fp16Options.defaults(), TaskMonitor.NONE);

        ModelProto converted = result.model();
        assertThat(signatures(converted.getGraph().getInputList())).isEqualTo(signatures(original.getGraph()
                .getInputList()));
        assertThat(signatures(converted.getGraph().getOutputList())).isEqualTo(signatures(original.getGraph()
                .getOutputList()));
        assertThat(converted.getGraph().getInitializerList()).extracting(TensorProto::getDataType)
                .containsOnly(DataType.FLOAT16_VALUE);
        // On ONNX Runtime's CPU provider Gemm and Relu have no fp16 kernel: they compute in fp32 from fp16 weights.
        assertThat(result.report().fp32Nodes()).containsEntry("Gemm", 2).containsEntry("Relu", 1);
        assertThat(result.report().fp16Nodes()).isEmpty();
        assertThat(result.report().values()).isEqualTo(784 * 300 + 300 + 300 * 10 + 10);

        FidelityReport fidelity = RuntimeComparison.compare(dir, original, converted);
        assertThat(fidelity.cosineMin()).isGreaterThan(0.99999);
        assertThat(fidelity.maxAbsDiff()).isLessThan(0.01);
        assertThat((double) RuntimeComparison.fileSize(dir, converted) / RuntimeComparison.fileSize(dir, original))
                .isBetween(0.49, 0.52);
    }

    @Test
    void withFp16KernelsProductsComputeInFp16AndSensitiveOperatorsStayFp32() throws Exception {
        ModelProto original = TestModels.transformerBlock(64, 2);

        ConvertedModel<Fp16Report> result = converter.convert(original, Fp16Options.forFp16Kernels(),
                TaskMonitor.NONE);

        assertThat(result.report().fp16Nodes()).containsEntry("MatMul", 6).containsEntry("Transpose", 1);
        assertThat(result.report().fp32Nodes()).containsEntry("LayerNormalization", 1).containsEntry("Softmax", 1);
        assertThat(result.report().casts()).isPositive();
        NodeProto softmax = node(result.model(), "Softmax");
        assertThat(softmax.getInput(0)).endsWith("_fp32");
        assertThat(RuntimeComparison.compare(dir, original, result.model()).cosineMin()).isGreaterThan(0.999);
    }

    @Test
    void anEmbeddingTableIsStoredFp16AndGatheredForFp32Readers() throws Exception {
        ModelProto original = TestModels.embedding(1000, 32, 16, 3);

        ConvertedModel<Fp16Report> result = converter.convert(original, Fp16Options.defaults(), TaskMonitor.NONE);

        assertThat(result.report().fp32Nodes()).containsEntry("Gather", 1).containsEntry("MatMul", 1);
        assertThat(RuntimeComparison.compare(dir, original, result.model()).cosineMin()).isGreaterThan(0.9999);
    }

    @Test
    void convolutionsRunFromFp16Weights() throws Exception {
        ModelProto original = FormatTestModels.cnn(4);

        ConvertedModel<Fp16Report> result = converter.convert(original, Fp16Options.defaults(), TaskMonitor.NONE);

        assertThat(result.report().fp32Nodes()).containsEntry("Conv", 1).containsEntry("MaxPool", 1);
        assertThat(RuntimeComparison.compare(dir, original, result.model()).cosineMin()).isGreaterThan(0.9999);
    }

    @Test
    void aWeightBeyondTheFp16RangeIsClampedNotInfiniteAndTinyOnesAreCounted() throws Exception {
        ModelProto original = FormatTestModels.hugeAndTinyWeights(5);

        ConvertedModel<Fp16Report> result = converter.convert(original, Fp16Options.defaults(), TaskMonitor.NONE);

        assertThat(result.report().clamped()).isEqualTo(1);
        assertThat(result.report().flushedToZero()).isEqualTo(1);
        // The Constant 0.5 is stored fp16 too.
        assertThat(result.report().tensors()).isEqualTo(2);
        // Expected: the original with 1e6 clamped to 65504 and 1e-9 flushed to 0; the rest differs by fp16 rounding.
        ModelProto expected = withHugeAndTinyReplaced(original, 65504f, 0f);
        assertThat(RuntimeComparison.exactDifference(expected, result.model())).isLessThan(0.05);
        FidelityReport fidelity = RuntimeComparison.compare(dir, expected, result.model());
        assertThat(fidelity.cosineMin()).isGreaterThan(0.9999);
        assertThat(signatures(result.model().getGraph().getOutputList())).containsExactly("y:FLOAT", "h:FLOAT");
    }

    @Test
    void castTargetsConstantOfShapeAndConstantValuesBecomeFp16WhereTheyFeedFp16Operators() throws Exception {
        ModelProto original = FormatTestModels.floatSources();

        ConvertedModel<Fp16Report> result = converter.convert(original, Fp16Options.forFp16Kernels(),
                TaskMonitor.NONE);

        NodeProto cast = result.model().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Cast") && n.getInput(0).equals("counts")).findFirst().orElseThrow();
        assertThat(OnnxNodes.intAttribute(cast, "to", 0)).isEqualTo(DataType.FLOAT16_VALUE);
        NodeProto constantOfShape = node(result.model(), "ConstantOfShape");
        assertThat(OnnxNodes.find(constantOfShape, "value").orElseThrow().getT().getDataType())
                .isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(OnnxNodes.find(node(result.model(), "Constant"), "value").orElseThrow().getT().getDataType())
                .isEqualTo(DataType.FLOAT16_VALUE);
        assertThat(result.report().fp16Nodes()).containsEntry("Add", 2).containsEntry("Mul", 1);
        FidelityReport fidelity = RuntimeComparison.compare(dir, original, result.model());
        assertThat(fidelity.maxAbsDiff()).isLessThan(0.02);
    }

    @Test
    void withoutKeepingIoTypesTheInterfaceIsFp16AndStillLoads() throws Exception {
        ModelProto original = TestModels.mlp(16, 8, 4, 6);

        ModelProto converted = converter.convert(original, new Fp16Options(Fp16Options.NUMERICALLY_SENSITIVE,
                false), TaskMonitor.NONE).model();

        assertThat(signatures(converted.getGraph().getInputList())).containsExactly("input:FLOAT16");
        assertThat(signatures(converted.getGraph().getOutputList())).containsExactly("logits:FLOAT16");
        RuntimeComparison.load(converted);
    }

    @Test
    void anIfNodeStaysFp32AndItsBranchesReadTheOuterTensorThroughACast() throws Exception {
        ModelProto original = FormatTestModels.ifReadingOuterTensor(8);

        ConvertedModel<Fp16Report> result = converter.convert(original, Fp16Options.forFp16Kernels(),
                TaskMonitor.NONE);

        assertThat(result.report().fp16Nodes()).containsEntry("MatMul", 1);
        assertThat(result.report().skipped()).singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("subgraphs"));
        NodeProto branchNode = OnnxNodes.find(node(result.model(), "If"), "then_branch").orElseThrow().getG()
                .getNode(0);
        assertThat(branchNode.getInput(0)).isEqualTo("h_fp32");
        assertThat(RuntimeComparison.compare(dir, original, result.model()).cosineMin()).isGreaterThan(0.999);
    }

    @Test
    void aWeightCallersMayOverrideKeepsItsFp32InterfaceType() throws Exception {
        ModelProto original = TestModels.mlp(16, 8, 4, 9);
        ModelProto overridable = original.toBuilder().setGraph(original.getGraph().toBuilder()
                .addInput(OnnxGraphBuilder.valueInfo("fc2.weight", DataType.FLOAT, 4, 8))).build();

        ModelProto converted = converter.convert(overridable, Fp16Options.defaults(), TaskMonitor.NONE).model();

        assertThat(signatures(converted.getGraph().getInputList())).containsExactly("input:FLOAT", "fc2.weight:FLOAT");
        assertThat(converted.getGraph().getInitializerList()).filteredOn(t -> t.getName().equals("fc2.weight"))
                .singleElement().satisfies(t -> assertThat(t.getDataType()).isEqualTo(DataType.FLOAT_VALUE));
        assertThat(RuntimeComparison.compare(dir, overridable, converted).cosineMin()).isGreaterThan(0.9999);
    }

    @Test
    void aCustomOperatorWithoutDeclaredTypesIsRefusedBeforeAnyWork() {
        ModelProto original = TestModels.mlp(16, 8, 4, 7);
        ModelProto custom = original.toBuilder().setGraph(original.getGraph().toBuilder()
                .setNode(2, original.getGraph().getNode(2).toBuilder().setDomain("com.example").setOpType("MyRelu")))
                .build();

        assertThatThrownBy(() -> Fp16Converter.plan(custom, Fp16Options.defaults()))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("MyRelu");
    }

    private static ModelProto withHugeAndTinyReplaced(ModelProto original, float huge, float tiny) {
        float[] w = new float[16];
        OnnxTensors.floats(original.getGraph().getInitializer(0)).get(w);
        w[5] = huge;
        w[10] = tiny;
        return FormatTestModels.withWeights(original, Map.of("w", w));
    }

    private static NodeProto node(ModelProto model, String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).findFirst()
                .orElseThrow();
    }

    private static List<String> signatures(List<ValueInfoProto> infos) {
        return infos.stream().map(i -> i.getName() + ":"
                + DataType.forNumber(i.getType().getTensorType().getElemType())).toList();
    }
}
