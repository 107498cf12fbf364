package io.condenser.engine.onnx;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelValidatorTest {

    @TempDir
    Path dir;

    @Test
    void aWellFormedModelPasses() {
        assertThatCode(() -> ModelValidator.validate(TestModels.mlp(8, 4, 2, 1))).doesNotThrowAnyException();
    }

    @Test
    void textIsNotAModel() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.onnx"), "this is not a model at all", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelValidator.validate(OnnxModelFiles.read(file)))
                .isInstanceOf(InvalidModelException.class);
    }

    @Test
    void anEmptyFileIsNotAModel() throws Exception {
        Path file = Files.createFile(dir.resolve("empty.onnx"));
        assertThatThrownBy(() -> OnnxModelFiles.read(file)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void aNodeReadingAnUndefinedTensorIsReported() {
        ModelProto model = OnnxGraphBuilder.create("broken", 17)
                .input("x", DataType.FLOAT, 1)
                .node("Add", List.of("x", "ghost"), List.of("y"))
                .output("y", DataType.FLOAT, 1)
                .build();
        assertThatThrownBy(() -> ModelValidator.validate(model)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("'ghost'");
    }

    @Test
    void aModelWithoutTheDefaultOperatorSetIsReported() {
        ModelProto model = TestModels.mlp(8, 4, 2, 1).toBuilder().clearOpsetImport().build();
        assertThatThrownBy(() -> ModelValidator.validate(model)).hasMessageContaining("operator set");
    }

    @Test
    void initializerDataThatDoesNotFitItsShapeIsReported() {
        ModelProto model = OnnxGraphBuilder.create("short", 17)
                .input("x", DataType.FLOAT, 4)
                .initializer(OnnxTensors.floatTensor("w", new long[] {4}, new float[] {1, 2}))
                .node("Add", List.of("x", "w"), List.of("y"))
                .output("y", DataType.FLOAT, 4)
                .build();
        assertThatThrownBy(() -> ModelValidator.validate(model)).hasMessageContaining("'w' has 8 bytes");
    }

    @Test
    void packedInt4DataMustHoldHalfAByteAnElementRoundedUp() {
        ModelProto model = OnnxGraphBuilder.create("int4", 21).irVersion(10)
                .input("x", DataType.FLOAT, 5)
                .initializer(OnnxTensors.packedTensor("q", DataType.INT4, new long[] {5}, new byte[2]))
                .floatInitializer("s", new long[0], new float[] {1})
                .node("DequantizeLinear", List.of("q", "s"), List.of("w"))
                .node("Add", List.of("x", "w"), List.of("y"))
                .output("y", DataType.FLOAT, 5)
                .build();
        assertThatThrownBy(() -> ModelValidator.validate(model)).hasMessageContaining("'q' has 2 bytes")
                .hasMessageContaining("needs 3");
    }

    @Test
    void anUnproducedGraphOutputIsReported() {
        ModelProto model = OnnxGraphBuilder.create("dangling", 17)
                .input("x", DataType.FLOAT, 1)
                .node("Relu", List.of("x"), List.of("y"))
                .output("z", DataType.FLOAT, 1)
                .build();
        assertThatThrownBy(() -> ModelValidator.validate(model)).hasMessageContaining("'z' is never produced");
    }
}
