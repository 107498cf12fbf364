package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.onnx.GraphIndex;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxNodes;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.testing.FormatTestModels;
import io.condenser.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsetUpgradeTest {

    @TempDir
    Path dir;

    @Test
    void reduceMeanAxesBecomeAnInputAndTheRaisedModelComputesTheSame() throws Exception {
        ModelProto original = FormatTestModels.reduceMeanOpset13(1);

        ModelProto raised = OpsetUpgrade.toOpset21(original, "test");

        assertThat(ModelInspector.defaultOpset(raised)).isEqualTo(21);
        assertThat(raised.getIrVersion()).isGreaterThanOrEqualTo(10);
        NodeProto reduceMean = node(raised, "ReduceMean");
        assertThat(OnnxNodes.find(reduceMean, "axes")).isEmpty();
        assertThat(OnnxNodes.intAttribute(reduceMean, "keepdims", 0)).isEqualTo(1);
        assertThat(OnnxTensors.longs(GraphIndex.of(raised).initializer(reduceMean.getInput(1)).orElseThrow()))
                .containsExactly(1);
        assertThat(RuntimeComparison.compare(dir, original, raised).maxAbsDiff()).isLessThan(1e-6);
    }

    @Test
    void opset11AttributesBecomeInputsAndSplitWithoutSizesGetsItsOutputCount() throws Exception {
        ModelProto original = FormatTestModels.attributesThatBecameInputs(2);

        ModelProto raised = OpsetUpgrade.toOpset21(original, "test");

        for (String op : new String[] {"Unsqueeze", "Squeeze", "ReduceSum", "ReduceMax"}) {
            assertThat(OnnxNodes.find(node(raised, op), "axes")).as(op).isEmpty();
            assertThat(node(raised, op).getInputCount()).as(op).isEqualTo(2);
        }
        NodeProto sized = raised.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Split") && n.getOutput(0).equals("left")).findFirst().orElseThrow();
        assertThat(OnnxTensors.longs(GraphIndex.of(raised).initializer(sized.getInput(1)).orElseThrow()))
                .containsExactly(3, 5);
        NodeProto even = raised.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Split") && n.getOutput(0).equals("half1")).findFirst().orElseThrow();
        assertThat(OnnxNodes.intAttribute(even, "num_outputs", 0)).isEqualTo(2);
        assertThat(RuntimeComparison.compare(dir, original, raised).maxAbsDiff()).isLessThan(1e-6);
    }

    @Test
    void anOperatorWhoseMeaningChangedBlocksTheRaiseAndIsNamed() {
        ModelProto model = FormatTestModels.softmaxOpset11(3);

        assertThat(OpsetUpgrade.obstacle(model)).hasValueSatisfying(reason ->
                assertThat(reason).contains("Softmax").contains("only from opset 13"));
        assertThatThrownBy(() -> OpsetUpgrade.toOpset21(model, "4-bit weights"))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("4-bit weights needs ONNX opset 21").hasMessageContaining("Softmax");
    }

    @Test
    void anOperatorOutsideTheAllowListBlocksTheRaise() {
        assertThat(OpsetUpgrade.obstacle(FormatTestModels.upsampleOpset9(4))).hasValueSatisfying(reason ->
                assertThat(reason).contains("Upsample").contains("not on the list"));
    }

    @Test
    void aModelAtOpset21OrLaterIsLeftAsItIs() {
        ModelProto model = TestModels.mlp(8, 4, 2, 5).toBuilder()
                .setOpsetImport(0, ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(22)).build();
        assertThat(OpsetUpgrade.obstacle(model)).isEmpty();
        assertThat(OpsetUpgrade.toOpset21(model, "test")).isSameAs(model);
    }

    private static NodeProto node(ModelProto model, String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).findFirst()
                .orElseThrow();
    }
}
