package io.condenser.engine.graph;

import static io.condenser.engine.graph.OpGraphs.floats;
import static io.condenser.engine.graph.OpGraphs.node;
import static io.condenser.engine.onnx.OnnxNodes.attribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.onnx.OnnxTensors;
import io.condenser.testing.PyTorchManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** BatchNormalization and Dropout in a training forward pass: batch statistics, running-statistic updates, dropout. */
class TrainingModeTest {

    @RegisterExtension
    static final PyTorchManager PYTORCH = new PyTorchManager();

    @Test
    void batchNormalizationUsesBatchStatisticsAndUpdatesRunningOnesWithItsMomentum() {
        float[] mean = {0.5f, -1f};
        float[] variance = {2f, 0.5f};
        ModelProto model = OpGraphs.graph(15, List.of(floats("x", 1, 4, 2, 3)), List.of(
                        OnnxTensors.floatTensor("scale", new long[] {2}, new float[] {1f, 2f}),
                        OnnxTensors.floatTensor("bias", new long[] {2}, new float[] {0f, 1f}),
                        OnnxTensors.floatTensor("mean", new long[] {2}, mean),
                        OnnxTensors.floatTensor("var", new long[] {2}, variance)),
                List.of(node("BatchNormalization", List.of("x", "scale", "bias", "mean", "var"), List.of("y"),
                        attribute("momentum", 0.8f), attribute("epsilon", 1e-5f))), List.of("y"));
        HostTensor x = floats("x", 1, 4, 2, 3);
        float[] values = (float[]) x.data();
        OnnxGraphBlock block = OnnxGraphBlock.build(model, PYTORCH.get());
        float[] y = (float[]) GraphRunner.run(block, PYTORCH.get(), List.of(x), true).getFirst();
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            double squares = 0;
            for (int n = 0; n < 4; n++) {
                for (int i = 0; i < 3; i++) {
                    sum += values[n * 6 + c * 3 + i];
                }
            }
            double batchMean = sum / 12;
            for (int n = 0; n < 4; n++) {
                for (int i = 0; i < 3; i++) {
                    squares += Math.pow(values[n * 6 + c * 3 + i] - batchMean, 2);
                }
            }
            double batchVariance = squares / 12;
            float expectedY = (float) ((values[c * 3] - batchMean) / Math.sqrt(batchVariance + 1e-5) * (c + 1) + c);
            assertThat(y[c * 3]).isCloseTo(expectedY, within(1e-4f));
            float[] running = block.getParameters().get("mean").getArray().toFloatArray();
            float[] runningVariance = block.getParameters().get("var").getArray().toFloatArray();
            assertThat(running[c]).isCloseTo((float) (mean[c] * 0.8 + batchMean * 0.2), within(1e-5f));
            assertThat(runningVariance[c]).isCloseTo((float) (variance[c] * 0.8 + batchVariance * 0.2),
                    within(1e-5f));
        }
    }

    @Test
    void dropoutDropsWithItsRatioInTrainingOnly() {
        ModelProto model = OpGraphs.graph(13, List.of(floats("x", 1, 100, 100)),
                List.of(OnnxTensors.floatScalar("ratio", 0.25f)),
                List.of(node("Dropout", List.of("x", "ratio"), List.of("y"))), List.of("y"));
        HostTensor x = OpGraphs.uniform("x", 1, 1, 2, 100, 100);
        OnnxGraphBlock block = OnnxGraphBlock.build(model, PYTORCH.get());
        assertThat(block.getParameters().isEmpty()).as("the ratio stays a constant").isTrue();
        float[] inference = (float[]) GraphRunner.run(block, PYTORCH.get(), List.of(x), false).getFirst();
        assertThat(inference).containsExactly((float[]) x.data());
        float[] training = (float[]) GraphRunner.run(block, PYTORCH.get(), List.of(x), true).getFirst();
        int zeros = 0;
        for (int i = 0; i < training.length; i++) {
            if (training[i] == 0) {
                zeros++;
            } else {
                assertThat(training[i]).isCloseTo(((float[]) x.data())[i] / 0.75f, within(1e-5f));
            }
        }
        assertThat(zeros / 10_000.0).isCloseTo(0.25, within(0.03));
    }
}
