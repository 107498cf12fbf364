package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.testing.ConvTestModels;
import io.condenser.testing.TestModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchNormFolderTest {

    private static final EvaluationSettings FIDELITY = new EvaluationSettings(64, 16, 1, 0, Map.of(), 11);

    @TempDir
    Path dir;

    private final BatchNormFolder folder = new BatchNormFolder();

    @Test
    void convBatchNormPairsBecomeOneConvWithTheSameOutputs() throws Exception {
        ModelProto original = ConvTestModels.cnn(17, 1);
        BatchNormFolding folding = folder.fold(original);

        ModelValidator.validate(folding.model());
        assertThat(folding.folded()).isEqualTo(2);
        assertThat(folding.skipped()).isEmpty();
        Map<String, Integer> ops = ModelInspector.inspect(folding.model()).operators();
        assertThat(ops).doesNotContainKey("BatchNormalization").containsEntry("Conv", 3).containsEntry("Relu", 3);
        assertThat(folding.model().getGraph().getNodeCount()).isEqualTo(original.getGraph().getNodeCount() - 2);
        // The depthwise Conv had no bias: folding gives it one.
        assertThat(folding.model().getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("Conv"))
                .allSatisfy(conv -> assertThat(conv.getInputCount()).isEqualTo(3));

        FidelityReport fidelity = compare(original, folding.model());
        assertThat(fidelity.maxAbsDiff()).isLessThan(1e-4);
        assertThat(fidelity.cosineMin()).isGreaterThan(0.99999);
    }

    @Test
    void gemmBatchNormFoldsAlphaBetaAndBiasIntoOneGemm() throws Exception {
        ModelProto original = ConvTestModels.gemmBatchNorm(2);
        BatchNormFolding folding = folder.fold(original);

        assertThat(folding.folded()).isEqualTo(1);
        assertThat(ModelInspector.inspect(folding.model()).operators()).doesNotContainKey("BatchNormalization");
        var gemm = folding.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Gemm"))
                .findFirst().orElseThrow();
        assertThat(OnnxNodes.find(gemm, "beta")).isEmpty();
        assertThat(OnnxNodes.floatAttribute(gemm, "alpha", 1.0f)).isEqualTo(0.5f);

        FidelityReport fidelity = compare(original, folding.model());
        assertThat(fidelity.maxAbsDiff()).isLessThan(1e-4);
    }

    @Test
    void aBatchNormWhoseInputIsAlsoReadElsewhereStays() {
        ModelProto original = ConvTestModels.convWithSharedOutput(3);
        BatchNormFolding folding = folder.fold(original);

        assertThat(folding.folded()).isZero();
        assertThat(folding.model()).isSameAs(original);
        assertThat(folding.skipped()).singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("also read elsewhere"));
    }

    @Test
    void modelsWithoutBatchNormAreReturnedUnchanged() {
        ModelProto original = TestModels.mlp(16, 8, 4, 4);
        BatchNormFolding folding = folder.fold(original);
        assertThat(folding.folded()).isZero();
        assertThat(folding.model()).isSameAs(original);
    }

    private FidelityReport compare(ModelProto original, ModelProto folded) throws Exception {
        Path originalFile = TestModels.write(original, dir.resolve("original.onnx"));
        Path foldedFile = TestModels.write(folded, dir.resolve("folded.onnx"));
        return new ModelComparison(RuntimeSettings.cpu(1))
                .compare(originalFile, foldedFile, FIDELITY, TaskMonitor.NONE).fidelity();
    }
}
