package io.condenser.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.testing.ConvTestModels;
import io.condenser.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SGD through DJL's Trainer on models built in code: the loss falls, the trained weights written back into the
 * ModelProto run in ONNX Runtime exactly as the block computes, and nothing else in the model changes.
 */
class GraphTrainingTest {

    private static final int BATCH = 32;

    @Test
    void trainsAnMlpAndWritesItBack() {
        ModelProto original = TestModels.mlp(8, 16, 3, 5);
        ModelProto trained = train(original, new Shape(BATCH, 8), 0.2f);
        assertWrittenBack(original, trained, OpGraphs.floats("input", 77, 16, 8));
    }

    @Test
    void trainsACnnWithBatchNormAndWritesItBack() {
        ModelProto original = ConvTestModels.cnn(13, 3);
        ModelProto trained = train(original, new Shape(BATCH, ConvTestModels.CHANNELS, ConvTestModels.SIDE,
                ConvTestModels.SIDE), 0.05f);
        assertWrittenBack(original, trained, OpGraphs.floats("image", 77, 4, ConvTestModels.CHANNELS,
                ConvTestModels.SIDE, ConvTestModels.SIDE));
        // Running statistics are parameters without gradient that training moved.
        assertThat(initializer(trained, "bn1.mean")).isNotEqualTo(initializer(original, "bn1.mean"));
        assertThat(initializer(trained, "bn2.var")).isNotEqualTo(initializer(original, "bn2.var"));
    }

    @Test
    void scalarConstantsOfAFormulaStayConstantsWhileAScalarLayerWeightTrains() {
        ModelProto model = OnnxGraphBuilder.create("decomposed", 17)
                .input("input", TensorProto.DataType.FLOAT, "batch", 4)
                .floatInitializer("fc.weight", new long[] {1, 4}, new float[] {0.1f, -0.2f, 0.3f, 0.4f})
                .floatInitializer("fc.bias", new long[] {1}, new float[] {0.5f})
                .floatInitializer("two", new long[] {}, new float[] {2f})
                .floatInitializer("half", new long[] {}, new float[] {0.5f})
                .node("Gemm", List.of("input", "fc.weight", "fc.bias"), List.of("h"),
                        io.condenser.engine.onnx.OnnxNodes.attribute("transB", 1L))
                .node("Pow", List.of("h", "two"), List.of("squared"))
                .node("Mul", List.of("squared", "half"), List.of("y"))
                .output("y", TensorProto.DataType.FLOAT, "batch", 1)
                .build();
        try (NDManager manager = OnnxGraphBlock.engine().newBaseManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, manager);

            assertThat(block.getParameters().keys()).containsExactlyInAnyOrder("fc.weight", "fc.bias");
        }
    }

    /** Trains on a fixed batch whose labels a fixed random projection decides; returns the written-back model. */
    private static ModelProto train(ModelProto model, Shape inputShape, float learningRate) {
        OnnxGraphBlock.engine();
        try (Model djlModel = Model.newInstance("graph", Device.cpu(), OnnxGraphBlock.ENGINE)) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, djlModel.getNDManager());
            djlModel.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate)).build());
            try (Trainer trainer = djlModel.newTrainer(config); NDManager data = djlModel.getNDManager()
                    .newSubManager()) {
                trainer.initialize(inputShape);
                NDArray x = data.randomNormal(inputShape);
                NDArray labels = x.reshape(inputShape.get(0), -1).matMul(data.randomNormal(
                        new Shape(inputShape.size() / inputShape.get(0), 3))).argMax(1);
                float first = 0;
                float last = 0;
                for (int step = 0; step < 30; step++) {
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDList predictions = trainer.forward(new NDList(x));
                        NDArray loss = trainer.getLoss().evaluate(new NDList(labels), predictions);
                        collector.backward(loss);
                        last = loss.getFloat();
                        first = step == 0 ? last : first;
                    }
                    trainer.step();
                }
                assertThat(last).as("loss after training").isLessThan(first * 0.7f);
                for (Parameter parameter : block.getParameters().values()) {
                    assertThat(parameter.requiresGradient())
                            .isEqualTo(!parameter.getName().endsWith(".mean") && !parameter.getName().endsWith(".var"));
                }
            }
            return block.writeBack();
        }
    }

    private static void assertWrittenBack(ModelProto original, ModelProto trained, HostTensor input) {
        try (NDManager manager = OnnxGraphBlock.engine().newBaseManager()) {
            OnnxGraphBlock reloaded = OnnxGraphBlock.build(trained, manager);
            List<Object> djl = GraphRunner.run(reloaded, manager, List.of(input), false);
            List<Object> ort = OrtReference.run(trained, List.of(input));
            assertThat(GraphRunner.maxRelativeError(djl, ort, 1e-2)).isLessThanOrEqualTo(1e-4);
            List<Object> before = OrtReference.run(original, List.of(input));
            assertThat(GraphRunner.maxRelativeError(ort, before, 1e-2)).as("training changed the outputs")
                    .isGreaterThan(1e-2);
        }
        assertThat(withoutInitializers(trained)).isEqualTo(withoutInitializers(original));
        GraphProto before = original.getGraph();
        GraphProto after = trained.getGraph();
        assertThat(after.getInitializerCount()).isEqualTo(before.getInitializerCount());
        for (int i = 0; i < before.getInitializerCount(); i++) {
            TensorProto a = before.getInitializer(i);
            TensorProto b = after.getInitializer(i);
            assertThat(b.getName()).isEqualTo(a.getName());
            assertThat(b.getDimsList()).isEqualTo(a.getDimsList());
            assertThat(b.getDataType()).isEqualTo(a.getDataType());
            assertThat(b.toBuilder().clearRawData().build()).isEqualTo(a.toBuilder().clearRawData().build());
        }
        assertThat(initializer(trained, before.getInitializer(0).getName()))
                .isNotEqualTo(initializer(original, before.getInitializer(0).getName()));
    }

    private static ModelProto withoutInitializers(ModelProto model) {
        ModelProto.Builder builder = model.toBuilder();
        builder.getGraphBuilder().clearInitializer();
        return builder.build();
    }

    private static TensorProto initializer(ModelProto model, String name) {
        return model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow();
    }
}
