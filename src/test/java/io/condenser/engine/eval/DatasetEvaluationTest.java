package io.condenser.engine.eval;

import static io.condenser.engine.onnx.OnnxNodes.attribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.testing.Predictions;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Comparisons on a dataset's samples: accuracy against its labels, reshaping, fixed batch sizes. */
class DatasetEvaluationTest {

    private static final int FEATURES = 8;
    private static final int CLASSES = 10;

    @TempDir
    Path dir;

    private final ModelComparison comparison = new ModelComparison(RuntimeSettings.cpu(1));

    @Test
    void accuracyCountsTheSamplesWhoseLabelScoresHighest() throws IOException {
        ModelProto model = TestModels.mlp(FEATURES, 16, CLASSES, 3);
        Path modelFile = TestModels.write(model, dir.resolve("mlp.onnx"));
        float[] x = TestModels.gaussian(new SplittableRandom(5), 40 * FEATURES, 1.0);
        long[] predicted = Predictions.of(modelFile, x, 40, FEATURES);
        long[] y = new long[40];
        for (int i = 0; i < y.length; i++) {
            // Three in four labels are the model's own prediction; the rest are another class.
            y[i] = i % 4 == 3 ? (predicted[i] + 1) % CLASSES : predicted[i];
        }
        Path data = Files.write(dir.resolve("data.npz"), TestDatasets.labelled(x, FEATURES, y, true));

        ComparisonReport report = comparison.compare(modelFile, modelFile, settings(data, 16), TaskMonitor.NONE);

        assertThat(report.original().accuracy().samples()).isEqualTo(40);
        assertThat(report.original().accuracy().top1()).isEqualTo(0.75);
        assertThat(report.original().accuracy().top5()).isBetween(0.75, 1.0);
        assertThat(report.candidate().accuracy()).isEqualTo(report.original().accuracy());
        assertThat(report.fidelity().samples()).isEqualTo(40);
        assertThat(report.fidelity().cosineMin()).isEqualTo(1.0, offset(1e-9));
        assertThat(report.original().latency()).extracting(LatencyStats::batchSize).containsExactly(1, 16);
    }

    @Test
    void samplesAreReshapedToTheInputAndAFixedBatchIsPaddedWithoutCountingThePadding() throws IOException {
        Path modelFile = TestModels.write(imageClassifier(3), dir.resolve("image.onnx"));
        float[] x = TestModels.gaussian(new SplittableRandom(9), 7 * FEATURES, 1.0);
        // Labelled by the same weights run on all 7 samples at once, then two labels made wrong: sample 1, and sample 6,
        // the only real one of the last, padded batch. Misaligned labels or counted padding change the 5/7.
        long[] y = Predictions.of(TestModels.write(imageClassifier(7), dir.resolve("seven.onnx")), "image",
                new long[] {7, 1, 2, 4}, x);
        y[1] = (y[1] + 1) % 4;
        y[6] = (y[6] + 1) % 4;
        Path data = Files.write(dir.resolve("images.npz"), TestDatasets.labelled(x, FEATURES, y, false));

        ComparisonReport report = comparison.compare(modelFile, modelFile, settings(data, 16), TaskMonitor.NONE);

        assertThat(report.original().accuracy().samples()).isEqualTo(7);
        assertThat(report.original().accuracy().top1()).isEqualTo(5.0 / 7);
        assertThat(report.fidelity().samples()).isEqualTo(7);
        assertThat(report.original().accuracy().top5()).isNull();
        assertThat(report.original().latency()).extracting(LatencyStats::batchSize).containsExactly(3);
    }

    @Test
    void aDatasetThatDoesNotFitTheInputIsRefusedWithBothShapes() throws IOException {
        Path data = Files.write(dir.resolve("wide.npz"),
                TestDatasets.labelled(new float[2 * 5], 5, new long[] {0, 1}, false));
        try (NumpyDataset dataset = NumpyDataset.open(data, Long.MAX_VALUE)) {
            assertThatThrownBy(() -> DatasetFeed.of(TestModels.mlp(FEATURES, 4, 2, 1), dataset))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining("[5]").hasMessageContaining("input");
            assertThatThrownBy(() -> DatasetFeed.of(TestModels.embedding(10, 4, 4, 1), dataset))
                    .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("INT64");
        }
    }

    @Test
    void labelsBeyondTheModelsClassesFailTheComparison() throws IOException {
        Path modelFile = TestModels.write(TestModels.mlp(FEATURES, 4, 3, 1), dir.resolve("three.onnx"));
        Path data = Files.write(dir.resolve("bad.npz"),
                TestDatasets.labelled(new float[2 * FEATURES], FEATURES, new long[] {0, 7}, false));
        assertThatThrownBy(() -> comparison.compare(modelFile, modelFile, settings(data, 4), TaskMonitor.NONE))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("label 7");
    }

    private static EvaluationSettings settings(Path data, int batchSize) {
        return new EvaluationSettings(EvaluationSettings.ALL_SAMPLES, batchSize, 3, 0, Map.of(), 1)
                .withDataset(data, null);
    }

    /** Images [batch fixed, 1, 2, 4] → Flatten → Gemm → 4 classes. */
    private static ModelProto imageClassifier(int batch) {
        SplittableRandom random = new SplittableRandom(2);
        return OnnxGraphBuilder.create("image", 17)
                .input("image", DataType.FLOAT, batch, 1, 2, 4)
                .floatInitializer("w", new long[] {4, FEATURES}, TestModels.gaussian(random, 4 * FEATURES, 0.5))
                .node("Flatten", List.of("image"), List.of("flat"), attribute("axis", 1L))
                .node("Gemm", List.of("flat", "w"), List.of("scores"), attribute("transB", 1L))
                .output("scores", DataType.FLOAT, batch, 4)
                .build();
    }
}
