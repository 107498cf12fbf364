package io.condenser.engine.graph;

import static io.condenser.engine.graph.OpGraphs.floats;
import static io.condenser.engine.graph.OpGraphs.node;
import static io.condenser.engine.onnx.OnnxNodes.attribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.UnsupportedModelException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the interpreter cannot run is refused when the block is built, every offending node named at once. */
class UnsupportedModelTest {

    @Test
    void namesEveryUnsupportedOperatorAttributeAndFatalCast() {
        NodeProto custom = NodeProto.newBuilder().setOpType("FusedThing").setDomain("com.example").setName("fused")
                .addInput("x").addOutput("f").build();
        ModelProto model = OpGraphs.graph(13, List.of(floats("x", 1, 2, 3)), List.of(), List.of(
                node("Relu", List.of("x"), List.of("r")),
                node("Hardmax", List.of("r"), List.of("h")),
                node("Cast", List.of("h"), List.of("b"), attribute("to", (long) TensorProto.DataType.BFLOAT16_VALUE)),
                node("Gelu", List.of("r"), List.of("g"), attribute("approximate", "erf")),
                custom), List.of("r"));
        try (NDManager manager = OnnxGraphBlock.engine().newBaseManager()) {
            assertThatThrownBy(() -> OnnxGraphBlock.build(model, manager))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining("Hardmax (hardmax_node): operator not supported")
                    .hasMessageContaining("Cast (cast_node): element type BFLOAT16 is not supported")
                    .hasMessageContaining("Gelu")
                    .hasMessageContaining("com.example:FusedThing (fused)")
                    .hasMessageNotContaining("Relu");
        }
        assertThat(OnnxGraphBlock.whyNotTrainable(model)).as("the same refusal from the graph alone")
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("Hardmax (hardmax_node): operator not supported", "element type BFLOAT16",
                                "com.example:FusedThing (fused)")
                        .doesNotContain("Relu"));
    }

    @Test
    void aGraphWithoutFloatInitializersHasNothingToTrain() {
        ModelProto model = OpGraphs.graph(13, List.of(floats("x", 1, 2)), List.of(),
                List.of(node("Relu", List.of("x"), List.of("y"))), List.of("y"));

        assertThat(OnnxGraphBlock.whyNotTrainable(model)).hasValueSatisfying(
                reason -> assertThat(reason).contains("no trainable parameters"));
    }

    @Test
    void refusesAnOpsetOutsideTheSupportedRange() {
        ModelProto model = OpGraphs.graph(6, List.of(floats("x", 1, 2)), List.of(),
                List.of(node("Relu", List.of("x"), List.of("y"))), List.of("y"));
        try (NDManager manager = OnnxGraphBlock.engine().newBaseManager()) {
            assertThatThrownBy(() -> OnnxGraphBlock.build(model, manager))
                    .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("opset 6");
        }
    }
}
