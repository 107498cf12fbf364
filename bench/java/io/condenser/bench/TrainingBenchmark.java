package io.condenser.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.data.SampleReader;
import io.condenser.engine.eval.DjlSettings;
import io.condenser.engine.eval.ExecutionDevice;
import io.condenser.engine.graph.OnnxGraphBlock;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.train.EpochReport;
import io.condenser.engine.train.OptimizerSettings;
import io.condenser.engine.train.ParameterMasks;
import io.condenser.engine.train.TorchScriptModel;
import io.condenser.engine.train.TrainingData;
import io.condenser.engine.train.TrainingLoop;
import io.condenser.engine.train.TrainingOptions;
import io.condenser.engine.train.TrainingResult;
import io.condenser.engine.train.ValidationSettings;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop on LeNet-300-100 as PyTorch saved it (TorchScript) and the corpus' MNIST train split: test-split
 * accuracy before and after fine-tuning the converged model, and after 90 % global magnitude pruning with the masks kept
 * (the corpus' REFERENCE.md has PyTorch's numbers for both), each also with 10 % of the train split held out and
 * the best weights kept (and which epoch's they were), per-epoch wall time, and the epoch time of the same network
 * built from DJL's own blocks with the same weights as the baseline for the loop's speed.
 */
final class TrainingBenchmark {

    private static final Shape SAMPLE = new Shape(784);
    private static final int EVALUATION_BATCH = 256;
    private static final double PRUNED = 0.9;
    private static final int SPEED_ROUNDS = 3;

    /** A named optimizer setting to fine-tune with. */
    private record Recipe(String name, TrainingOptions options) {
    }

    private TrainingBenchmark() {
    }

    static void run() throws Exception {
        Path corpus = Path.of(System.getProperty("bench.corpus", "../shared/corpus"));
        Path model = corpus.resolve("lenet300_mnist.pt");
        if (!Files.isRegularFile(model)) {
            System.out.println("training benchmark skipped: no corpus at " + corpus.toAbsolutePath()
                    + " (set -Dbench.corpus)");
            return;
        }
        TrainingData train;
        try (NumpyDataset dataset = NumpyDataset.open(corpus.resolve("mnist_split_train.npz"), Long.MAX_VALUE)) {
            train = TrainingData.read(dataset);
        }
        LabelledSamples test = LabelledSamples.read(corpus.resolve("mnist_split_test.npz"));
        TrainingOptions defaults = TrainingOptions.defaults();
        List<Recipe> recipes = List.of(
                new Recipe("SGD 0.01, momentum 0.9 (defaults)", defaults),
                new Recipe("Adam 1e-4", defaults.withOptimizer(OptimizerSettings.adam(1e-4, 0))),
                new Recipe("defaults, validation 0.1, keep best",
                        defaults.withValidation(ValidationSettings.holdOut(0.1).keepingBestWeights())));

        DjlSettings.apply();
        System.out.printf("%nFine-tuning LeNet-300-100 (%d train samples, %d epochs, batches of %d, %s PyTorch"
                        + " threads; test split %d samples, PyTorch's own accuracy 95.26 %%)%n", train.size(),
                defaults.epochs(), defaults.batchSize(), System.getProperty("ai.djl.pytorch.num_threads"),
                test.y().length);
        for (Recipe recipe : recipes) {
            try (TorchScriptModel torchScript = TorchScriptModel.load(model, ExecutionDevice.CPU)) {
                report("TorchScript, " + recipe.name(), torchScript.block(), recipe.options(), ParameterMasks.none(),
                        train, test);
            }
        }
        ModelProto onnx = OnnxModelFiles.read(corpus.resolve("lenet300_mnist.onnx"));
        for (Recipe recipe : recipes) {
            try (NDManager manager = OnnxGraphBlock.engine().newBaseManager(Device.cpu())) {
                report("ONNX graph on DJL, " + recipe.name(), OnnxGraphBlock.build(onnx, manager), recipe.options(),
                        ParameterMasks.none(), train, test);
            }
        }
        System.out.printf("%nThe same after global magnitude pruning of %.0f %% of the weights, masks kept while"
                + " fine-tuning (PyTorch: 94.11 %% -> 94.86 %% after 5 epochs)%n", 100 * PRUNED);
        for (Recipe recipe : recipes) {
            try (TorchScriptModel torchScript = TorchScriptModel.load(model, ExecutionDevice.CPU)) {
                report("TorchScript pruned, " + recipe.name(), torchScript.block(), recipe.options(),
                        pruneGlobally(torchScript.block(), PRUNED), train, test);
            }
        }
        System.out.printf("%nEpoch time: the TorchScript model, the ONNX graph on DJL's interpreter and the same"
                + " network from DJL's blocks (same weights, same loop, defaults), %d runs each, interleaved%n",
                SPEED_ROUNDS);
        List<Double> torchScriptSeconds = new ArrayList<>();
        List<Double> onnxSeconds = new ArrayList<>();
        List<Double> djlSeconds = new ArrayList<>();
        for (int round = 0; round < SPEED_ROUNDS; round++) {
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                 TorchScriptModel torchScript = TorchScriptModel.load(model, ExecutionDevice.CPU)) {
                Block djl = djlLenet300(manager, torchScript.block());
                torchScriptSeconds.addAll(epochSeconds(torchScript.block(), defaults, train));
                onnxSeconds.addAll(epochSeconds(OnnxGraphBlock.build(onnx, manager), defaults, train));
                djlSeconds.addAll(epochSeconds(djl, defaults, train));
            }
        }
        printEpochTimes("TorchScript", torchScriptSeconds, djlSeconds);
        printEpochTimes("ONNX graph on DJL", onnxSeconds, djlSeconds);
        printEpochTimes("DJL blocks", djlSeconds, djlSeconds);
    }

    private static void printEpochTimes(String name, List<Double> seconds, List<Double> baseline) {
        System.out.printf("    %-18s median epoch %.3f s (min %.3f, max %.3f), %.2fx the DJL blocks' median%n", name,
                median(seconds), Collections.min(seconds), Collections.max(seconds),
                median(seconds) / median(baseline));
    }

    private static List<Double> epochSeconds(Block block, TrainingOptions options, TrainingData train)
            throws IOException {
        return TrainingLoop.of(options).train(block, SAMPLE, train, TaskMonitor.NONE).epochs().stream()
                .map(EpochReport::seconds).toList();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /**
     * Masks the given share of all weight matrices' entries with the smallest magnitudes (one threshold over all
     * layers, as torch.nn.utils.prune.global_unstructured with L1), and zeroes them now.
     */
    private static ParameterMasks pruneGlobally(Block block, double share) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        block.getParameters().forEach(p -> {
            if (p.getKey().endsWith("weight")) {
                weights.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        });
        float[] magnitudes = new float[weights.values().stream().mapToInt(w -> w.length).sum()];
        int at = 0;
        for (float[] w : weights.values()) {
            for (float v : w) {
                magnitudes[at++] = Math.abs(v);
            }
        }
        Arrays.sort(magnitudes);
        float threshold = magnitudes[(int) (share * magnitudes.length)];
        Map<String, boolean[]> keep = new LinkedHashMap<>();
        weights.forEach((name, w) -> {
            boolean[] flags = new boolean[w.length];
            for (int i = 0; i < w.length; i++) {
                flags[i] = Math.abs(w[i]) >= threshold;
                if (!flags[i]) {
                    w[i] = 0;
                }
            }
            keep.put(name, flags);
            block.getParameters().get(name).getArray().set(w);
        });
        return ParameterMasks.of(keep);
    }

    private static void report(String name, Block block, TrainingOptions options, ParameterMasks masks,
                               TrainingData train, LabelledSamples test) throws IOException {
        double before = test.accuracy(block);
        TrainingResult result = TrainingLoop.of(options).withMasks(masks).train(block, SAMPLE, train,
                TaskMonitor.NONE);
        double after = test.accuracy(block);
        System.out.printf("%-52s test accuracy %.2f %% -> %.2f %%%s%n", name, 100 * before, 100 * after,
                result.keptEpoch().isPresent() ? ", kept the weights of epoch " + result.keptEpoch().getAsInt()
                        : "");
        result.initialValidation().ifPresent(start -> System.out.printf(
                "    epoch 0 (starting weights): validation loss %.5f, validation accuracy %.2f %%%n",
                start.validationLoss().orElseThrow(), 100 * start.validationAccuracy().orElseThrow()));
        for (EpochReport epoch : result.epochs()) {
            System.out.printf("    epoch %d: %.3f s, %,.0f samples/s, train loss %.4f, train accuracy %.2f %%%s%n",
                    epoch.epoch(), epoch.seconds(), epoch.samplesPerSecond(), epoch.trainLoss(),
                    100 * epoch.trainAccuracy(), epoch.validationLoss().isEmpty() ? "" : String.format(
                            ", validation loss %.5f, validation accuracy %.2f %%", epoch.validationLoss().getAsDouble(),
                            100 * epoch.validationAccuracy().orElseThrow()));
        }
    }

    /** Linear 784→300, ReLU, Linear 300→100, ReLU, Linear 100→10, with the TorchScript model's weights. */
    private static Block djlLenet300(NDManager manager, Block source) {
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(300).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(100).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 784));
        List<Parameter> targets = block.getParameters().values();
        List<Parameter> weights = source.getParameters().values();
        for (int i = 0; i < targets.size(); i++) {
            NDArray target = targets.get(i).getArray();
            NDArray value = weights.get(i).getArray();
            if (!target.getShape().equals(value.getShape())) {
                throw new IllegalStateException("parameter " + i + " is " + value.getShape() + " in the .pt and "
                        + target.getShape() + " in the DJL network");
            }
            target.set(value.toByteBuffer());
        }
        return block;
    }

    /** The test split, kept apart from the training data and measured in inference mode. */
    private record LabelledSamples(float[] x, long[] y) {

        static LabelledSamples read(Path file) throws IOException {
            try (NumpyDataset dataset = NumpyDataset.open(file, Long.MAX_VALUE);
                 SampleReader reader = dataset.reader()) {
                int count = Math.toIntExact(dataset.sampleCount());
                float[] x = new float[count * dataset.sampleElements()];
                long[] y = new long[count];
                reader.read(x, y, count);
                return new LabelledSamples(x, y);
            }
        }

        double accuracy(Block block) {
            int correct = 0;
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                for (int from = 0; from < y.length; from += EVALUATION_BATCH) {
                    int count = Math.min(EVALUATION_BATCH, y.length - from);
                    try (NDManager batch = manager.newSubManager()) {
                        NDArray input = batch.create(FloatBuffer.wrap(x, from * 784, count * 784),
                                new Shape(count, 784));
                        long[] predicted = block.forward(new ParameterStore(batch, false), new NDList(input), false)
                                .head().argMax(1).toLongArray();
                        for (int i = 0; i < count; i++) {
                            if (predicted[i] == y[from + i]) {
                                correct++;
                            }
                        }
                    }
                }
            }
            return (double) correct / y.length;
        }
    }
}
