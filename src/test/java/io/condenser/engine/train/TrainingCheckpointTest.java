package io.condenser.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.condenser.engine.TaskMonitor;
import io.condenser.testing.DjlTestNetworks;
import io.condenser.testing.PyTorchManager;
import io.condenser.testing.TrainingTestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrainingCheckpointTest {

    private static final int FEATURES = 8;
    private static final int CLASSES = 3;
    private static final Shape SAMPLE = new Shape(FEATURES);
    private static final TrainingData DATA = TrainingTestData.blobs(CLASSES, FEATURES, 30, 7);
    private static final TrainingData RANDOM_LABELS = TrainingTestData.noise(120, FEATURES, CLASSES, 3);
    /** Plain SGD keeps no optimizer state, so a resumed run must continue exactly. */
    private static final TrainingOptions OPTIONS = TrainingOptions.defaults()
            .withOptimizer(OptimizerSettings.sgd(0.05, 0, 0))
            .withSchedule(LearningRateSchedule.step(1, 0.7))
            .withBatchSize(16)
            .withEpochs(4)
            .withValidation(ValidationSettings.holdOut(0.2).withPatience(10));

    @RegisterExtension
    final PyTorchManager pytorch = new PyTorchManager();

    @Test
    void aRunResumedAfterAnEpochEndsWithTheWeightsOfTheUninterruptedRun() throws IOException {
        Block uninterrupted = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        Map<Integer, byte[]> checkpoints = new LinkedHashMap<>();
        TrainingResult whole = TrainingLoop.of(OPTIONS).checkpointTo(epoch -> new ByteArrayOutputStream() {
            @Override
            public void close() {
                checkpoints.put(epoch, toByteArray());
            }
        }).train(uninterrupted, SAMPLE, DATA, TaskMonitor.NONE);

        // Another initialization: whatever the resumed run ends with comes from the checkpoint and the training.
        Block resumed = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 99, pytorch.get());
        TrainingCheckpoint afterEpoch2 = TrainingCheckpoint.read(new ByteArrayInputStream(checkpoints.get(2)));
        TrainingResult rest = TrainingLoop.of(OPTIONS).resumeFrom(afterEpoch2)
                .train(resumed, SAMPLE, DATA, TaskMonitor.NONE);

        assertThat(checkpoints).containsOnlyKeys(1, 2, 3, 4);
        assertThat(afterEpoch2.state().completedEpochs()).isEqualTo(2);
        assertThat(afterEpoch2.state().steps()).isEqualTo(2 * 5);
        assertThat(rest.epochs()).extracting(EpochReport::epoch).containsExactly(3, 4);
        assertThat(rest.epochs()).extracting(EpochReport::trainLoss)
                .containsExactly(whole.epochs().get(2).trainLoss(), whole.epochs().get(3).trainLoss());
        assertThat(rest.epochs()).extracting(EpochReport::learningRate)
                .containsExactly(whole.epochs().get(2).learningRate(), whole.epochs().get(3).learningRate());
        assertThat(rest.bestEpoch()).isEqualTo(whole.bestEpoch());
        assertThat(values(resumed)).hasSize(4).containsExactlyElementsOf(values(uninterrupted));
        assertThat(values(DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 99, pytorch.get())).getFirst())
                .isNotEqualTo(values(DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get())).getFirst());
    }

    @Test
    void aCheckpointOfTheLastEpochLeavesNothingToDo() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        ByteArrayOutputStream last = new ByteArrayOutputStream();
        TrainingLoop.of(OPTIONS.withEpochs(1)).checkpointTo(epoch -> last).train(block, SAMPLE, DATA,
                TaskMonitor.NONE);

        TrainingResult result = TrainingLoop.of(OPTIONS.withEpochs(1))
                .resumeFrom(TrainingCheckpoint.read(new ByteArrayInputStream(last.toByteArray())))
                .train(DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 2, pytorch.get()), SAMPLE, DATA, TaskMonitor.NONE);

        assertThat(result.epochs()).isEmpty();
        assertThat(result.stopReason()).isEqualTo(TrainingResult.StopReason.COMPLETED);
    }

    @Test
    void aCheckpointOfAnotherModelOrRunIsRefused() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrainingLoop.of(OPTIONS.withEpochs(1)).checkpointTo(epoch -> out).train(block, SAMPLE, DATA,
                TaskMonitor.NONE);
        byte[] bytes = out.toByteArray();
        TrainingCheckpoint checkpoint = TrainingCheckpoint.read(new ByteArrayInputStream(bytes));

        assertThatThrownBy(() -> TrainingLoop.of(OPTIONS).resumeFrom(checkpoint)
                .train(DjlTestNetworks.mlp(SAMPLE, 32, CLASSES, 1, pytorch.get()), SAMPLE, DATA, TaskMonitor.NONE))
                .isInstanceOf(IncompatibleCheckpointException.class).hasMessageContaining("(16, 8) in the checkpoint");
        assertThatThrownBy(() -> TrainingLoop.of(OPTIONS.withBatchSize(8)).resumeFrom(checkpoint)
                .train(block, SAMPLE, DATA, TaskMonitor.NONE))
                .isInstanceOf(IncompatibleCheckpointException.class);
        assertThatThrownBy(() -> TrainingCheckpoint.read(new ByteArrayInputStream(Arrays.copyOf(bytes,
                bytes.length - 10)))).isInstanceOf(IncompatibleCheckpointException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> TrainingCheckpoint.read(new ByteArrayInputStream(new byte[] {0, 3, 'a', 'b', 'c'})))
                .isInstanceOf(IncompatibleCheckpointException.class);
    }

    @Test
    void aResumedRunStillEndsWithTheBestWeightsChosenBeforeTheCrash() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        TrainingLoop.of(OPTIONS).train(block, SAMPLE, DATA, TaskMonitor.NONE);
        List<float[]> start = values(block);
        Map<Integer, byte[]> checkpoints = new LinkedHashMap<>();
        // The fitted network gets every held-out sample right: no epoch can beat it, epoch 0 stays best.
        TrainingOptions options = OPTIONS.withValidation(OPTIONS.validation().keepingBestWeights());
        TaskMonitor crashesInEpoch3 = new TaskMonitor() {
            @Override
            public void progress(double fraction, String message) {
                if (message.startsWith("epoch 3/")) {
                    throw new IllegalStateException("the worker died");
                }
            }

            @Override
            public void checkCancelled() {
            }
        };
        assertThatThrownBy(() -> TrainingLoop.of(options).checkpointTo(collectingInto(checkpoints))
                .train(block, SAMPLE, DATA, crashesInEpoch3)).hasMessage("the worker died");

        TrainingCheckpoint afterEpoch2 = TrainingCheckpoint.read(new ByteArrayInputStream(checkpoints.get(2)));
        Block resumed = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 99, pytorch.get());
        TrainingResult rest = TrainingLoop.of(options).resumeFrom(afterEpoch2)
                .train(resumed, SAMPLE, DATA, TaskMonitor.NONE);

        assertThat(checkpoints).containsOnlyKeys(1, 2);
        assertThat(afterEpoch2.keepsBestWeights()).isTrue();
        assertThat(afterEpoch2.state().bestValidationAccuracy()).isEqualTo(1.0);
        assertThat(afterEpoch2.state().bestEpoch()).isZero();
        assertThat(rest.epochs()).extracting(EpochReport::epoch).containsExactly(3, 4);
        assertThat(rest.initialValidation()).isEmpty();
        assertThat(rest.keptEpoch()).hasValue(0);
        assertThat(values(resumed)).containsExactlyElementsOf(start);
    }

    @Test
    void aRunThatStoppedEarlyTrainsNoFurtherEpochsWhenResumed() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        TrainingLoop.of(OPTIONS).train(block, SAMPLE, DATA, TaskMonitor.NONE);
        List<float[]> start = values(block);
        // The fitted network gets every held-out sample right: epoch 1 cannot beat epoch 0, and patience 1 stops there.
        TrainingOptions options = OPTIONS.withValidation(ValidationSettings.holdOut(0.2).withPatience(1)
                .keepingBestWeights());
        Map<Integer, byte[]> checkpoints = new LinkedHashMap<>();
        TrainingResult whole = TrainingLoop.of(options).checkpointTo(collectingInto(checkpoints))
                .train(block, SAMPLE, DATA, TaskMonitor.NONE);

        Block resumed = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 99, pytorch.get());
        TrainingResult rest = TrainingLoop.of(options)
                .resumeFrom(TrainingCheckpoint.read(new ByteArrayInputStream(checkpoints.get(1))))
                .train(resumed, SAMPLE, DATA, TaskMonitor.NONE);

        assertThat(whole.stopReason()).isEqualTo(TrainingResult.StopReason.EARLY_STOPPED);
        assertThat(checkpoints).containsOnlyKeys(1);
        assertThat(rest.epochs()).isEmpty();
        assertThat(rest.stopReason()).isEqualTo(TrainingResult.StopReason.EARLY_STOPPED);
        assertThat(rest.keptEpoch()).hasValue(0);
        assertThat(values(resumed)).containsExactlyElementsOf(start);
    }

    @Test
    void aRunKeepingItsBestWeightsResumedAfterAnyEpochEndsAsTheUninterruptedRun() throws IOException {
        TrainingOptions options = OPTIONS.withEpochs(8).withSchedule(LearningRateSchedule.constant())
                .withOptimizer(OptimizerSettings.sgd(0.5, 0, 0))
                .withValidation(ValidationSettings.holdOut(0.3).keepingBestWeights());
        Block uninterrupted = DjlTestNetworks.mlp(SAMPLE, 64, CLASSES, 1, pytorch.get());
        Map<Integer, byte[]> checkpoints = new LinkedHashMap<>();
        TrainingResult whole = TrainingLoop.of(options).checkpointTo(collectingInto(checkpoints))
                .train(uninterrupted, SAMPLE, RANDOM_LABELS, TaskMonitor.NONE);
        int kept = whole.keptEpoch().orElseThrow();

        assertThat(kept).as("the setup makes an epoch in the middle the best").isBetween(1, 6);
        for (int epoch = 1; epoch < 8; epoch++) {
            TrainingCheckpoint checkpoint = TrainingCheckpoint.read(new ByteArrayInputStream(checkpoints.get(epoch)));
            Block resumed = DjlTestNetworks.mlp(SAMPLE, 64, CLASSES, 99, pytorch.get());
            TrainingResult rest = TrainingLoop.of(options).resumeFrom(checkpoint)
                    .train(resumed, SAMPLE, RANDOM_LABELS, TaskMonitor.NONE);

            assertThat(rest.keptEpoch()).as("resumed after epoch %d", epoch).hasValue(kept);
            assertThat(values(resumed)).as("resumed after epoch %d", epoch)
                    .containsExactlyElementsOf(values(uninterrupted));
        }
        TrainingCheckpoint last = TrainingCheckpoint.read(new ByteArrayInputStream(checkpoints.get(8)));
        assertThat(last.state().bestEpoch()).isEqualTo(kept);
        assertThat(last.bestParameters()).isNotEqualTo(last.parameters());
        Block fromBestParameters = DjlTestNetworks.mlp(SAMPLE, 64, CLASSES, 99, pytorch.get());
        EncodedParameters.restore(last.bestParameters(), fromBestParameters, pytorch.get(), "the test");
        assertThat(values(fromBestParameters)).containsExactlyElementsOf(values(uninterrupted));
    }

    @Test
    void aRunResumesOnlyFromACheckpointThatKeptTheBestWeightsAsItDoes() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        TrainingOptions keepingBest = OPTIONS.withEpochs(2)
                .withValidation(ValidationSettings.holdOut(0.2).keepingBestWeights());
        ByteArrayOutputStream keeping = new ByteArrayOutputStream();
        TrainingLoop.of(keepingBest.withEpochs(1)).checkpointTo(epoch -> keeping).train(block, SAMPLE, DATA,
                TaskMonitor.NONE);
        ByteArrayOutputStream notKeeping = new ByteArrayOutputStream();
        TrainingLoop.of(OPTIONS.withEpochs(1)).checkpointTo(epoch -> notKeeping).train(block, SAMPLE, DATA,
                TaskMonitor.NONE);

        assertThatThrownBy(() -> TrainingLoop.of(OPTIONS.withEpochs(2))
                .resumeFrom(TrainingCheckpoint.read(new ByteArrayInputStream(keeping.toByteArray())))
                .train(block, SAMPLE, DATA, TaskMonitor.NONE))
                .isInstanceOf(IncompatibleCheckpointException.class)
                .hasMessageContaining("a run that kept its best weights; this run does not keep them");
        assertThatThrownBy(() -> TrainingLoop.of(keepingBest)
                .resumeFrom(TrainingCheckpoint.read(new ByteArrayInputStream(notKeeping.toByteArray())))
                .train(block, SAMPLE, DATA, TaskMonitor.NONE))
                .isInstanceOf(IncompatibleCheckpointException.class)
                .hasMessageContaining("a run that did not keep its best weights; this run keeps them");
    }

    @Test
    void aCheckpointOfAnotherFormatVersionIsRefused() throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrainingLoop.of(OPTIONS.withEpochs(1)).checkpointTo(epoch -> out).train(block, SAMPLE, DATA,
                TaskMonitor.NONE);
        byte[] current = out.toByteArray();
        // The header is the magic string (2 length bytes + its characters), then the version as 4 bytes.
        int versionAt = 2 + "condenser-training-checkpoint".length();

        assertThat(ByteBuffer.wrap(current, versionAt, 4).getInt()).isEqualTo(2);
        for (int version : new int[] {1, 3}) {
            byte[] other = current.clone();
            ByteBuffer.wrap(other, versionAt, 4).putInt(version);
            assertThatThrownBy(() -> TrainingCheckpoint.read(new ByteArrayInputStream(other)))
                    .isInstanceOf(IncompatibleCheckpointException.class)
                    .hasMessageContaining("version " + version + "; this version of Condenser reads version 2 only");
        }
    }

    private static CheckpointSink collectingInto(Map<Integer, byte[]> checkpoints) {
        return epoch -> new ByteArrayOutputStream() {
            @Override
            public void close() {
                checkpoints.put(epoch, toByteArray());
            }
        };
    }

    private static List<float[]> values(Block block) {
        return block.getParameters().stream().map(Pair::getValue).map(Parameter::getArray)
                .map(array -> array.toFloatArray()).toList();
    }
}
