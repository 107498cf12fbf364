package io.condenser.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.engine.TaskMonitor;
import io.condenser.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelComparisonTest {

    @TempDir
    Path dir;

    private final ModelComparison comparison = new ModelComparison(RuntimeSettings.cpu(1));

    @Test
    void aModelComparedWithItselfIsIdenticalAndIsTimedAtBatchOneAndTheLargerBatch() throws Exception {
        Path model = TestModels.write(TestModels.mlp(64, 32, 10, 1), dir.resolve("a.onnx"));
        List<Double> progress = new ArrayList<>();

        ComparisonReport report = comparison.compare(model, model, new EvaluationSettings(40, 8, 5, 1, Map.of(), 1),
                recording(progress));

        assertThat(report.fidelity().samples()).isEqualTo(40);
        assertThat(report.fidelity().cosineMin()).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(report.fidelity().maxAbsDiff()).isZero();
        assertThat(report.fidelity().top1Agreement()).isEqualTo(1.0);
        assertThat(report.original().latency()).extracting(LatencyStats::batchSize).containsExactly(1, 8);
        assertThat(report.original().latency()).allSatisfy(l -> {
            assertThat(l.runs()).isEqualTo(5);
            assertThat(l.medianMs()).isPositive();
            assertThat(l.p95Ms()).isGreaterThanOrEqualTo(l.medianMs());
        });
        assertThat(report.original().fileSizeBytes()).isEqualTo(Files.size(model));
        assertThat(progress).isSorted().last().isEqualTo(1.0);
    }

    @Test
    void exactlyTheRequestedNumberOfSamplesIsCompared() throws Exception {
        Path model = TestModels.write(TestModels.mlp(16, 8, 4, 1), dir.resolve("a.onnx"));

        FidelityReport fidelity = comparison.compare(model, model, new EvaluationSettings(10, 8, 1, 0, Map.of(), 1),
                TaskMonitor.NONE).fidelity();

        assertThat(fidelity.samples()).isEqualTo(10);
    }

    @Test
    void differentModelsDisagree() throws Exception {
        Path a = TestModels.write(TestModels.mlp(64, 32, 10, 1), dir.resolve("a.onnx"));
        Path b = TestModels.write(TestModels.mlp(64, 32, 10, 2), dir.resolve("b.onnx"));

        FidelityReport fidelity = comparison.compare(a, b, new EvaluationSettings(64, 16, 3, 0, Map.of(), 1),
                TaskMonitor.NONE).fidelity();

        assertThat(fidelity.cosineMean()).isLessThan(0.9);
        assertThat(fidelity.top1Agreement()).isLessThan(0.6);
        assertThat(fidelity.maxAbsDiff()).isGreaterThan(0.1);
    }

    @Test
    void tokenInputsIndexTheirEmbeddingTableAndNamedDimensionsAreHonoured() throws Exception {
        Path model = TestModels.write(TestModels.embedding(50, 8, 4, 1), dir.resolve("e.onnx"));

        ComparisonReport report = comparison.compare(model, model,
                new EvaluationSettings(4, 2, 3, 0, Map.of("sequence", 7), 1), TaskMonitor.NONE);

        assertThat(report.fidelity().cosineMin()).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(report.fidelity().top1Agreement()).isNull();
    }

    private static TaskMonitor recording(List<Double> progress) {
        return new TaskMonitor() {
            @Override
            public void progress(double fraction, String message) {
                progress.add(fraction);
            }

            @Override
            public void checkCancelled() {
            }
        };
    }
}
