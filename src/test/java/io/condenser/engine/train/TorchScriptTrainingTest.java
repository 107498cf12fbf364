package io.condenser.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.DjlSettings;
import io.condenser.engine.eval.ExecutionDevice;
import io.condenser.testing.TorchScriptTestModels;
import io.condenser.testing.TorchScriptTestModels.MlpWeights;
import io.condenser.testing.TrainingTestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptTrainingTest {

    private static final int FEATURES = 8;
    private static final int CLASSES = 3;
    private static final Shape SAMPLE = new Shape(FEATURES);

    @TempDir
    Path dir;

    @BeforeEach
    void startEngine() {
        DjlSettings.apply();
    }

    @Test
    void aHandWrittenArchiveLoadsWithItsParametersNamedAsPyTorchNamesThem() throws IOException {
        MlpWeights weights = MlpWeights.random(FEATURES, 16, CLASSES, 3);
        try (TorchScriptModel model = TorchScriptModel.load(write("mlp", weights), ExecutionDevice.CPU)) {
            Block block = model.block();

            assertThat(block.getParameters().keys()).containsExactly("fc1.weight", "fc1.bias", "fc2.weight",
                    "fc2.bias");
            assertThat(block.getParameters().get("fc1.weight").getArray().getShape()).isEqualTo(new Shape(16, 8));
            assertThat(block.getParameters().get("fc1.weight").getArray().toFloatArray())
                    .containsExactly(weights.fc1Weight().values());
            assertThat(block.getParameters().get("fc2.weight").requiresGradient()).isTrue();
        }
    }

    @Test
    void aTrainedModelIsSavedAsTorchScriptThatReloadsWithTheTrainedWeights() throws Exception {
        TrainingData data = TrainingTestData.blobs(CLASSES, FEATURES, 60, 7);
        Path saved = dir.resolve("trained.pt");
        Map<String, float[]> trained = new LinkedHashMap<>();
        float[] logitsAfterTraining;
        TrainingResult result;
        try (TorchScriptModel model = TorchScriptModel.load(write("mlp", MlpWeights.random(FEATURES, 16, CLASSES, 3)),
                ExecutionDevice.CPU)) {
            result = TrainingLoop.of(TrainingOptions.defaults()
                            .withOptimizer(OptimizerSettings.adam(0.01, 0))
                            .withSchedule(LearningRateSchedule.cosine().withWarmup(5))
                            .withBatchSize(16)
                            .withValidation(ValidationSettings.holdOut(0.2)))
                    .train(model.block(), SAMPLE, data, TaskMonitor.NONE);
            model.block().getParameters().forEach(p -> trained.put(p.getKey(), p.getValue().getArray().toFloatArray()));
            logitsAfterTraining = logits(model.block(), data);
            try (OutputStream out = Files.newOutputStream(saved)) {
                model.save(out);
            }
        }

        assertThat(result.epochs().getFirst().validationAccuracy().orElseThrow()).isLessThan(1.0);
        assertThat(result.epochs().getLast().validationAccuracy().orElseThrow()).isGreaterThan(0.9);
        assertThat(result.epochs().getLast().trainLoss()).isLessThan(result.epochs().getFirst().trainLoss());
        assertThat(trained.get("fc1.weight")).isNotEqualTo(MlpWeights.random(FEATURES, 16, CLASSES, 3).fc1Weight()
                .values());
        try (Model reloaded = Model.newInstance("reloaded", Device.cpu(), "PyTorch")) {
            reloaded.load(saved);
            Block block = reloaded.getBlock();
            assertThat(block.getParameters().keys()).containsExactlyElementsOf(trained.keySet());
            block.getParameters().forEach(p -> assertThat(p.getValue().getArray().toFloatArray())
                    .as(p.getKey()).containsExactly(trained.get(p.getKey())));
            assertThat(logits(block, data)).containsExactly(logitsAfterTraining);
        }
    }

    @Test
    void aFileLibtorchCannotReadIsAnUnsupportedModel() throws IOException {
        Path broken = dir.resolve("broken.pt");
        byte[] archive = TorchScriptTestModels.mlp("mlp", MlpWeights.random(FEATURES, 16, CLASSES, 3));
        Files.write(broken, Arrays.copyOf(archive, archive.length / 2));

        assertThatThrownBy(() -> TorchScriptModel.load(broken, ExecutionDevice.CPU))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("libtorch cannot load");
    }

    /** Runs on every machine: without a GPU the request is refused, with one the module loads onto it. */
    @Test
    void aGpuIsRefusedWhenTheEngineHasNoneAndUsedWhenItHasOne() throws IOException {
        Path file = write("mlp", MlpWeights.random(FEATURES, 16, CLASSES, 3));

        if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
            assertThatThrownBy(() -> TorchScriptModel.load(file, ExecutionDevice.GPU))
                    .isInstanceOf(DeviceUnavailableException.class);
        } else {
            try (TorchScriptModel model = TorchScriptModel.load(file, ExecutionDevice.GPU)) {
                assertThat(model.block().getParameters().get(0).getValue().getArray().getDevice().isGpu()).isTrue();
            }
        }
    }

    private Path write(String name, MlpWeights weights) throws IOException {
        Path file = dir.resolve(name + ".pt");
        Files.write(file, TorchScriptTestModels.mlp(name, weights));
        return file;
    }

    /** Logits of every sample, in inference mode. */
    private static float[] logits(Block block, TrainingData data) {
        float[] x = new float[data.size() * FEATURES];
        for (int i = 0; i < data.size(); i++) {
            data.copySample(i, x, i * FEATURES);
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray input = manager.create(x, new Shape(data.size(), FEATURES));
            return block.forward(new ParameterStore(manager, false), new NDList(input), false).head().toFloatArray();
        }
    }
}
