package io.condenser.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.condenser.engine.TaskMonitor;
import io.condenser.testing.DjlTestNetworks;
import io.condenser.testing.PyTorchManager;
import io.condenser.testing.TrainingTestData;
import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParameterMasksTest {

    private static final int FEATURES = 8;
    private static final int CLASSES = 3;
    private static final Shape SAMPLE = new Shape(FEATURES);

    @RegisterExtension
    final PyTorchManager pytorch = new PyTorchManager();

    /** Momentum, Adam's moments and weight decay would all move a masked weight if the mask lagged one step. */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void maskedEntriesAreExactlyZeroAfterTrainingAndTheOthersTrained(OptimizerKind kind) throws IOException {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        String name = block.getParameters().keys().get(0);
        float[] before = block.getParameters().get(name).getArray().toFloatArray();
        boolean[] keep = new boolean[before.length];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < keep.length; i++) {
            keep[i] = random.nextDouble() < 0.3;
        }
        OptimizerSettings optimizer = switch (kind) {
            case SGD -> OptimizerSettings.sgd(0.05, 0.9, 1e-3);
            case ADAM -> OptimizerSettings.adam(0.01, 1e-3);
            case ADAMW -> OptimizerSettings.adamW(0.01, 0.05);
        };

        TrainingResult result = TrainingLoop.of(TrainingOptions.defaults().withOptimizer(optimizer).withBatchSize(16)
                        .withEpochs(3))
                .withMasks(ParameterMasks.of(Map.of(name, keep)))
                .train(block, SAMPLE, TrainingTestData.blobs(CLASSES, FEATURES, 40, 7), TaskMonitor.NONE);

        float[] after = block.getParameters().get(name).getArray().toFloatArray();
        int changed = 0;
        for (int i = 0; i < after.length; i++) {
            if (!keep[i]) {
                assertThat(after[i]).as("masked entry %d", i).isEqualTo(0f);
            } else if (after[i] != before[i]) {
                changed++;
            }
        }
        assertThat(changed).isGreaterThan(20);
        assertThat(result.epochs().getLast().trainAccuracy()).isGreaterThan(0.8);
    }

    /**
     * libtorch records gradients per thread, on by default; DJL turns it off only on the thread that started the
     * engine. A job thread of a worker is another thread: masking must work there too.
     */
    @Test
    void masksApplyOnAThreadOtherThanTheOneThatStartedTheEngine() throws Exception {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        String name = block.getParameters().keys().get(0);
        boolean[] keep = new boolean[Math.toIntExact(block.getParameters().get(name).getArray().size())];
        keep[0] = true;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread jobThread = new Thread(() -> {
            try {
                TrainingLoop.of(TrainingOptions.defaults().withEpochs(1))
                        .withMasks(ParameterMasks.of(Map.of(name, keep)))
                        .train(block, SAMPLE, TrainingTestData.blobs(CLASSES, FEATURES, 10, 7), TaskMonitor.NONE);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        jobThread.start();
        jobThread.join();

        assertThat(failure.get()).isNull();
        assertThat(block.getParameters().get(name).getArray().toFloatArray()[1]).isZero();
    }

    @Test
    void aMaskMustFitAParameterOfTheModel() {
        Block block = DjlTestNetworks.mlp(SAMPLE, 16, CLASSES, 1, pytorch.get());
        String name = block.getParameters().keys().get(0);
        TrainingData data = TrainingTestData.blobs(CLASSES, FEATURES, 10, 7);

        assertThatThrownBy(() -> TrainingLoop.of(TrainingOptions.defaults())
                .withMasks(ParameterMasks.of(Map.of("fc9.weight", new boolean[3])))
                .train(block, SAMPLE, data, TaskMonitor.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fc9.weight', which is no");
        assertThatThrownBy(() -> TrainingLoop.of(TrainingOptions.defaults())
                .withMasks(ParameterMasks.of(Map.of(name, new boolean[3])))
                .train(block, SAMPLE, data, TaskMonitor.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 3 entries");
    }
}
