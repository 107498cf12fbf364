package io.condenser.job;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.testing.TestModels;
import org.junit.jupiter.api.Test;

class ClassifierTrainingTest {

    @Test
    void aModelWithTrainableWeightsIsExecutable() {
        assertThat(ClassifierTraining.whyNotTrainable(TestModels.mlp(8, 16, 3, 1))).isEmpty();
    }

    @Test
    void aModelWhoseWeightsAreConstantNodesIsRefusedBeforeItRuns() {
        assertThat(ClassifierTraining.whyNotTrainable(weightsInConstantNodes(TestModels.mlp(8, 16, 3, 1))))
                .hasValueSatisfying(reason -> assertThat(reason).contains("no trainable parameters"));
    }

    /** The same graph with every initializer turned into a Constant node producing it. */
    private static ModelProto weightsInConstantNodes(ModelProto model) {
        GraphProto.Builder graph = model.getGraph().toBuilder().clearInitializer();
        for (int i = model.getGraph().getInitializerCount() - 1; i >= 0; i--) {
            TensorProto initializer = model.getGraph().getInitializer(i);
            graph.addNode(0, NodeProto.newBuilder().setOpType("Constant").addOutput(initializer.getName())
                    .addAttribute(AttributeProto.newBuilder().setName("value")
                            .setType(AttributeProto.AttributeType.TENSOR).setT(initializer)));
        }
        return model.toBuilder().setGraph(graph).build();
    }
}
