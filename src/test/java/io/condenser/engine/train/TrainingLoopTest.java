package io.condenser.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import io.condenser.engine.TaskCancelledException;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.eval.ExecutionDevice;
import io.condenser.testing.DjlTestNetworks;
import io.condenser.testing.PyTorchManager;
import io.condenser.testing.TestDatasets;
import io.condenser.testing.TrainingTestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopTest {

    private static final int FEATURES = 8;
    private static final int CLASSES = 3;
    private static final Shape SAMPLE = new Shape(FEATURES);
    private static final TrainingOptions OPTIONS = TrainingOptions.defaults()
            .withOptimizer(OptimizerSettings.sgd(0.05, 0.9, 0))
            .withBatchSize(16)
            .withEpochs(5)
            .withValidation(ValidationSettings.holdOut(0.2));
    /**
     * Adam at 0.5 moves every weight by about the full rate in its first steps: it throws a fitted network off its
     * minimum, and no epoch can beat weights that already get every held-out sample right.
     */
    private static final TrainingOptions TOO_FAST = OPTIONS.withOptimizer(OptimizerSettings.adam(0.5, 0))
            .withValidation(OPTIONS.validation().keepingBestWeights());
    private static final TrainingData BLOBS = TrainingTestData.blobs(CLASSES, FEATURES, 40, 7);

    @RegisterExtension
    final PyTorchManager pytorch = new PyTorchManager();

    @Test
    void lossFallsAndAccuracyRisesOnSeparableData() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        List<EpochReport> heard = new ArrayList<>();

        TrainingResult result = TrainingLoop.of(OPTIONS).onEpoch(heard::add)
                .train(block, SAMPLE, TrainingTestData.blobs(CLASSES, FEATURES, 60, 7), TaskMonitor.NONE);

        List<EpochReport> epochs = result.epochs();
        assertThat(epochs).hasSize(5).isEqualTo(heard);
        assertThat(epochs).extracting(EpochReport::epoch).containsExactly(1, 2, 3, 4, 5);
        assertThat(result.stopReason()).isEqualTo(TrainingResult.StopReason.COMPLETED);
        EpochReport first = epochs.getFirst();
        EpochReport last = epochs.getLast();
        assertThat(last.trainLoss()).isLessThan(first.trainLoss() / 2);
        assertThat(last.trainAccuracy()).isGreaterThan(first.trainAccuracy()).isGreaterThan(0.9);
        assertThat(last.validationAccuracy().orElseThrow()).isGreaterThan(0.9);
        assertThat(last.validationLoss().orElseThrow()).isLessThan(0.3);
        assertThat(last.predictedClasses()).isEqualTo(CLASSES);
        assertThat(last.labelClasses()).isEqualTo(CLASSES);
        assertThat(last.collapsed()).isFalse();
        assertThat(last.learningRate()).isEqualTo(0.05);
        assertThat(last.samplesPerSecond()).isPositive();
        assertThat(result.bestEpoch()).isBetween(1, 5);
    }

    @Test
    void theEpochReportsFollowAStepSchedule() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());

        TrainingResult result = TrainingLoop.of(OPTIONS.withEpochs(4).withSchedule(LearningRateSchedule.step(2, 0.1)))
                .train(block, SAMPLE, TrainingTestData.blobs(CLASSES, FEATURES, 20, 7), TaskMonitor.NONE);

        assertThat(result.epochs()).extracting(EpochReport::learningRate)
                .containsExactly(0.05, 0.05, 0.05 * 0.1, 0.05 * 0.1);
    }

    @Test
    void theLastPartialBatchIsAStep() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        List<String> progress = new ArrayList<>();

        // 60 samples, 12 held out: 48 train in batches of 20, 20 and 8
        TrainingLoop.of(OPTIONS.withEpochs(1).withBatchSize(20))
                .train(block, SAMPLE, TrainingTestData.blobs(CLASSES, FEATURES, 20, 7), recording(progress));

        assertThat(progress).containsExactly("epoch 1/1, batch 1/3", "epoch 1/1, batch 2/3", "epoch 1/1, batch 3/3");
    }

    @Test
    void stopsEarlyOnceTheValidationAccuracyStopsImproving() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 64, CLASSES, 1, pytorch.get());
        TrainingOptions options = OPTIONS.withOptimizer(OptimizerSettings.adam(0.01, 0)).withEpochs(40)
                .withValidation(ValidationSettings.holdOut(0.3).withPatience(3));

        // Random labels: the network memorizes the training samples, the held-out samples stay a guess.
        TrainingResult result = TrainingLoop.of(options)
                .train(block, SAMPLE, TrainingTestData.noise(120, FEATURES, CLASSES, 3), TaskMonitor.NONE);

        assertThat(result.stopReason()).isEqualTo(TrainingResult.StopReason.EARLY_STOPPED);
        assertThat(result.epochs()).hasSize(result.bestEpoch() + 3).hasSizeLessThan(40);
        double best = result.bestValidationAccuracy().orElseThrow();
        EpochReport bestReport = result.epochs().get(result.bestEpoch() - 1);
        assertThat(bestReport.validationAccuracy()).hasValue(best);
        assertThat(result.bestValidationLoss()).isEqualTo(bestReport.validationLoss());
        assertThat(result.epochs().subList(0, result.bestEpoch() - 1))
                .allSatisfy(report -> assertThat(report.validationAccuracy().orElseThrow()).isLessThan(best));
        assertThat(result.epochs().subList(result.bestEpoch(), result.epochs().size()))
                .allSatisfy(report -> assertThat(report.validationAccuracy().orElseThrow()).isLessThanOrEqualTo(best));
    }

    @Test
    void keepingTheBestWeightsHandsBackTheStartingWeightsWhenNoEpochImprovesOnThem() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        TrainingLoop.of(OPTIONS).train(block, SAMPLE, BLOBS, TaskMonitor.NONE);
        List<float[]> start = values(block);
        Map<Integer, List<float[]>> heard = new LinkedHashMap<>();
        List<EpochReport> reports = new ArrayList<>();

        TrainingResult result = TrainingLoop.of(TOO_FAST.withEpochs(3)).onEpoch(report -> {
            reports.add(report);
            heard.put(report.epoch(), values(block));
        }).train(block, SAMPLE, BLOBS, TaskMonitor.NONE);

        EpochReport initial = result.initialValidation().orElseThrow();
        assertThat(reports).extracting(EpochReport::epoch).containsExactly(0, 1, 2, 3);
        assertThat(reports.getFirst()).isEqualTo(initial);
        assertThat(reports.subList(1, 4)).isEqualTo(result.epochs());
        assertThat(initial.trainLoss()).isNaN();
        assertThat(initial.learningRate()).isNaN();
        assertThat(initial.validationAccuracy()).hasValue(1.0);
        assertThat(result.bestEpoch()).isZero();
        assertThat(result.keptEpoch()).hasValue(0);
        assertThat(result.bestValidationAccuracy()).hasValue(1.0);
        assertThat(result.bestValidationLoss()).isEqualTo(initial.validationLoss());
        assertThat(heard.get(3).getFirst()).isNotEqualTo(start.getFirst());
        assertThat(values(block)).containsExactlyElementsOf(start);
    }

    @Test
    void earlyStoppingCountsFromTheStartingWeightsWhenTheyAreKept() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        TrainingLoop.of(OPTIONS).train(block, SAMPLE, BLOBS, TaskMonitor.NONE);
        List<float[]> start = values(block);

        TrainingResult result = TrainingLoop.of(TOO_FAST.withEpochs(20)
                        .withValidation(TOO_FAST.validation().withPatience(2)))
                .train(block, SAMPLE, BLOBS, TaskMonitor.NONE);

        assertThat(result.stopReason()).isEqualTo(TrainingResult.StopReason.EARLY_STOPPED);
        assertThat(result.epochs()).hasSize(2);
        assertThat(result.keptEpoch()).hasValue(0);
        assertThat(values(block)).containsExactlyElementsOf(start);
    }

    @Test
    void keepingTheBestWeightsEndsWithThoseOfTheFirstEpochWithTheHighestValidationAccuracy() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 64, CLASSES, 1, pytorch.get());
        String masked = block.getParameters().get(0).getKey();
        boolean[] keep = new boolean[64 * FEATURES];
        for (int i = 0; i < keep.length; i += 2) {
            keep[i] = true;
        }
        Map<Integer, List<float[]>> heard = new LinkedHashMap<>();
        List<EpochReport> reports = new ArrayList<>();
        TrainingOptions options = OPTIONS.withOptimizer(OptimizerSettings.adam(0.01, 0)).withEpochs(12)
                .withValidation(ValidationSettings.holdOut(0.3).keepingBestWeights());

        // Random labels: the held-out accuracy wanders around a third while the network memorizes.
        TrainingResult result = TrainingLoop.of(options).withMasks(ParameterMasks.of(Map.of(masked, keep)))
                .onEpoch(report -> {
                    reports.add(report);
                    heard.put(report.epoch(), values(block));
                }).train(block, SAMPLE, TrainingTestData.noise(120, FEATURES, CLASSES, 3), TaskMonitor.NONE);

        int best = 0;
        for (EpochReport report : reports) {
            if (report.validationAccuracy().orElseThrow() > reports.get(best).validationAccuracy().orElseThrow()) {
                best = report.epoch();
            }
        }
        assertThat(result.keptEpoch()).hasValue(best);
        assertThat(best).as("the setup makes an epoch in the middle the best").isBetween(1, 11);
        assertThat(values(block)).containsExactlyElementsOf(heard.get(best));
        assertThat(values(block).getFirst()).isNotEqualTo(heard.get(12).getFirst());
        float[] weights = values(block).getFirst();
        for (int i = 1; i < weights.length; i += 2) {
            assertThat(weights[i]).as("masked entry %d", i).isZero();
        }
    }

    @Test
    void cancellationStopsBetweenBatches() {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        float[] before = block.getParameters().get(0).getValue().getArray().toFloatArray();
        List<String> progress = new ArrayList<>();
        TaskMonitor cancelsBeforeTheFourthBatch = new TaskMonitor() {
            @Override
            public void progress(double fraction, String message) {
                progress.add(message);
            }

            @Override
            public void checkCancelled() {
                if (progress.size() == 3) {
                    throw new TaskCancelledException("cancelled");
                }
            }
        };
        List<EpochReport> heard = new ArrayList<>();

        assertThatThrownBy(() -> TrainingLoop.of(OPTIONS).onEpoch(heard::add)
                .train(block, SAMPLE, TrainingTestData.blobs(CLASSES, FEATURES, 60, 7), cancelsBeforeTheFourthBatch))
                .isInstanceOf(TaskCancelledException.class);

        assertThat(progress).containsExactly("epoch 1/5, batch 1/9", "epoch 1/5, batch 2/9", "epoch 1/5, batch 3/9");
        assertThat(heard).isEmpty();
        assertThat(block.getParameters().get(0).getValue().getArray().toFloatArray()).isNotEqualTo(before);
    }

    @Test
    void aNonFiniteLossStopsTrainingWithTheReason() {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        block.getParameters().get(0).getValue().getArray().set(new NDIndex("0, 0"), Float.NaN);

        assertThatThrownBy(() -> TrainingLoop.of(OPTIONS)
                .train(block, SAMPLE, TrainingTestData.blobs(CLASSES, FEATURES, 20, 7), TaskMonitor.NONE))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("NaN in epoch 1, batch 1 at learning rate 0.05");
    }

    @Test
    void predictionsCollapsedOnOneClassAreReported() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        block.getParameters().get(3).getValue().getArray().set(new NDIndex("0"), 1000f);

        TrainingResult result = TrainingLoop.of(OPTIONS.withEpochs(1).withOptimizer(OptimizerSettings.sgd(1e-6, 0, 0)))
                .train(block, SAMPLE, TrainingTestData.blobs(CLASSES, FEATURES, 20, 7), TaskMonitor.NONE);

        EpochReport report = result.epochs().getFirst();
        assertThat(report.collapsed()).isTrue();
        assertThat(report.predictedClasses()).isEqualTo(1);
        assertThat(report.dominantPredictionShare()).isEqualTo(1.0);
        assertThat(report.validationAccuracy().orElseThrow()).isLessThan(0.5);
    }

    @Test
    void samplesFromADatasetFileAreReshapedToTheModelsInput(@TempDir Path dir) throws IOException {
        TrainingData blobs = TrainingTestData.blobs(CLASSES, FEATURES, 20, 7);
        float[] x = new float[blobs.size() * FEATURES];
        long[] y = new long[blobs.size()];
        for (int i = 0; i < blobs.size(); i++) {
            blobs.copySample(i, x, i * FEATURES);
            y[i] = blobs.label(i);
        }
        Path file = dir.resolve("blobs.npz");
        Files.write(file, TestDatasets.labelled(x, FEATURES, y, true));
        Shape image = new Shape(1, 2, 4);
        Block block = DjlTestNetworks.mlp(image, 16, CLASSES, 1, pytorch.get());

        TrainingResult result;
        try (NumpyDataset dataset = NumpyDataset.open(file, 1 << 20)) {
            result = TrainingLoop.of(OPTIONS).train(block, image, TrainingData.read(dataset), TaskMonitor.NONE);
        }

        assertThat(result.epochs().getLast().validationAccuracy().orElseThrow()).isGreaterThan(0.9);
        assertThatThrownBy(() -> TrainingLoop.of(OPTIONS).train(block, new Shape(3, 3), blobs, TaskMonitor.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 values each");
    }

    @Test
    void theLogitsAreTheOutputTheOptionsName() throws IOException {
        Block embedding = Linear.builder().setUnits(2).build();
        Block classifier = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        Block twoOutputs = new ParallelBlock(
                outputs -> new NDList(outputs.get(0).singletonOrThrow(), outputs.get(1).singletonOrThrow()),
                List.of(embedding, classifier));
        twoOutputs.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
        twoOutputs.initialize(pytorch.get(), DataType.FLOAT32, new Shape(1, FEATURES));
        TrainingData data = TrainingTestData.blobs(CLASSES, FEATURES, 20, 7);

        TrainingResult result = TrainingLoop.of(OPTIONS.withLogitsOutput(1)).train(twoOutputs, SAMPLE, data,
                TaskMonitor.NONE);

        assertThat(result.epochs().getLast().trainAccuracy()).isGreaterThan(0.9);
        assertThatThrownBy(() -> TrainingLoop.of(OPTIONS.withLogitsOutput(2)).train(twoOutputs, SAMPLE, data,
                TaskMonitor.NONE)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("the logits are output 2, but the model has 2 outputs");
        assertThatThrownBy(() -> TrainingLoop.of(OPTIONS).train(twoOutputs, SAMPLE, data, TaskMonitor.NONE))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("the labels go up to 2, but output 0 has 2 classes");
    }

    @Test
    void aBatchWhoseLossIsExactlyZeroSkipsItsStepInsteadOfEndingTheRun() throws IOException {
        Block linear = Linear.builder().setUnits(CLASSES).build();
        linear.initialize(pytorch.get(), DataType.FLOAT32, new Shape(1, FEATURES));
        // Class 0 wins by 200 logits for every sample: softmax is exactly one-hot in float32, so loss and gradients
        // are exactly zero, which DJL's Trainer refuses to step on.
        linear.getParameters().get("weight").getArray().set(new float[FEATURES * CLASSES]);
        linear.getParameters().get("bias").getArray().set(new float[] {100, -100, -100});
        float[] samples = new float[40 * FEATURES];
        TrainingData allClassZero = TrainingData.of(samples, new long[40]);

        TrainingResult result = TrainingLoop.of(OPTIONS.withEpochs(2).withBatchSize(10)
                        .withValidation(ValidationSettings.none()))
                .train(linear, SAMPLE, allClassZero, TaskMonitor.NONE);

        assertThat(result.epochs()).hasSize(2).allSatisfy(epoch -> assertThat(epoch.trainLoss()).isZero());
        assertThat(result.skippedSteps()).isEqualTo(2 * 4);
    }

    /** Runs on every machine: without a GPU the request is refused, with one the block must first be moved there. */
    @Test
    void aGpuIsRefusedWhenTheEngineHasNoneAndUsedWhenItHasOne() {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        TrainingLoop onGpu = TrainingLoop.of(OPTIONS.withDevice(ExecutionDevice.GPU));
        TrainingData data = TrainingTestData.blobs(CLASSES, FEATURES, 20, 7);

        if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
            assertThatThrownBy(() -> onGpu.train(block, SAMPLE, data, TaskMonitor.NONE))
                    .isInstanceOf(DeviceUnavailableException.class)
                    .hasMessageContaining("sees no GPU");
        } else {
            assertThatThrownBy(() -> onGpu.train(block, SAMPLE, data, TaskMonitor.NONE))
                    .as("parameters left on the CPU are refused, never trained on the wrong device")
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    static List<float[]> values(Block block) {
        return block.getParameters().stream().map(Pair::getValue).map(Parameter::getArray)
                .map(array -> array.toFloatArray()).toList();
    }

    private static TaskMonitor recording(List<String> messages) {
        return new TaskMonitor() {
            @Override
            public void progress(double fraction, String message) {
                messages.add(message);
            }

            @Override
            public void checkCancelled() {
            }
        };
    }
}
