package io.condenser.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInspectorTest {

    @TempDir
    Path dir;

    @Test
    void describesInterfaceOperatorsAndSizeOfAModelReadBackFromDisk() throws Exception {
        Path file = TestModels.write(TestModels.mlp(784, 300, 10, 1), dir.resolve("mlp.onnx"));

        ModelInspection inspection = ModelInspector.inspect(OnnxModelFiles.read(file));

        assertThat(inspection.defaultOpset()).isEqualTo(17);
        assertThat(inspection.irVersion()).isEqualTo(OnnxGraphBuilder.DEFAULT_IR_VERSION);
        assertThat(inspection.inputs()).singleElement().satisfies(input -> {
            assertThat(input.name()).isEqualTo("input");
            assertThat(input.elementTypeName()).isEqualTo("FLOAT");
            assertThat(input.shape()).extracting(Object::toString).containsExactly("batch", "784");
        });
        assertThat(inspection.outputs()).extracting(TensorSignature::name).containsExactly("logits");
        assertThat(inspection.operators()).containsEntry("Gemm", 2).containsEntry("Relu", 1)
                .containsEntry("Flatten", 1);
        long parameters = 784L * 300 + 300 + 300L * 10 + 10;
        assertThat(inspection.parameterCount()).isEqualTo(parameters);
        assertThat(inspection.initializerBytes()).isEqualTo(parameters * 4);
        assertThat(inspection.nodeCount()).isEqualTo(4);
    }
}
