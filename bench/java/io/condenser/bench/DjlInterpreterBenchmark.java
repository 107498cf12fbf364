package io.condenser.bench;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.eval.DatasetFeed;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.graph.GraphRunner;
import io.condenser.engine.graph.OnnxGraphBlock;
import io.condenser.engine.graph.OrtReference;
import io.condenser.engine.onnx.OnnxModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ONNX interpreter on DJL's PyTorch engine against ONNX Runtime and against DJL's own blocks: the largest relative
 * difference of its outputs from ONNX Runtime's (spec semantics, optimizations off) for every corpus model and
 * all-MiniLM-L6-v2, and the forward + backward time per batch of LeNet-300-100 interpreted versus the same MLP built
 * from DJL's Linear and relu blocks with identical weights.
 */
final class DjlInterpreterBenchmark {

    private static final double FLOOR = 1e-2;
    private static final int BATCH = 64;
    private static final int COMPARED_SAMPLES = 512;
    private static final int WARMUP = 30;
    private static final int TIMED = 300;

    private DjlInterpreterBenchmark() {
    }

    static void run() throws Exception {
        Engine engine = OnnxGraphBlock.engine();
        // ONNX Runtime's environment must be created by DJL's engine first; its version is asked only after that.
        Engine.getEngine("OnnxRuntime");
        System.out.printf("%nONNX interpreter on DJL %s (PyTorch %s, %s intra-op threads) vs ONNX Runtime %s"
                        + " (no graph optimizations);%nrelative error = max |djl - ort| / max(|ort|, %.0e);"
                        + " scaled error = max |djl - ort| / max |ort| per output%n",
                Engine.getDjlVersion(), engine.getVersion(), System.getProperty("ai.djl.pytorch.num_threads"),
                ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(), FLOOR);
        Path corpus = Path.of(System.getProperty("bench.corpus", "../shared/corpus"));
        Path test = corpus.resolve("mnist_split_test.npz");
        if (Files.isRegularFile(test)) {
            for (String file : List.of("lenet300_mnist.onnx", "lenet5_mnist.onnx")) {
                compareOnDataset(engine, corpus.resolve(file), test);
            }
        } else {
            System.out.println("corpus models skipped: no " + test.toAbsolutePath() + " (set -Dbench.corpus)");
        }
        compareMiniLm(engine);
        if (Files.isRegularFile(test)) {
            timeAgainstNativeMlp(engine, corpus.resolve("lenet300_mnist.onnx"), test);
        }
    }

    private static void compareOnDataset(Engine engine, Path file, Path data) throws Exception {
        ModelProto model = OnnxModelFiles.read(file);
        double worst = 0;
        double scaled = 0;
        int samples = 0;
        try (NumpyDataset dataset = NumpyDataset.open(data, Long.MAX_VALUE);
             NDManager manager = engine.newBaseManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, manager);
            for (List<HostTensor> batch : DatasetFeed.of(model, dataset).inputs(BATCH, COMPARED_SAMPLES)) {
                List<Object> djl = GraphRunner.run(block, manager, batch, false);
                List<Object> ort = OrtReference.run(model, batch);
                worst = Math.max(worst, GraphRunner.maxRelativeError(djl, ort, FLOOR));
                scaled = Math.max(scaled, GraphRunner.maxScaledError(djl, ort));
                samples += (int) batch.getFirst().shape()[0];
            }
        }
        System.out.printf("%-24s %6d samples   relative error %.2e, scaled error %.2e%n", file.getFileName(),
                samples, worst, scaled);
    }

    private static void compareMiniLm(Engine engine) throws Exception {
        Path dir = Path.of("target", "bench-models");
        ModelProto model = OnnxModelFiles.read(ClasspathModels.extract("all-minilm-l6-v2.onnx", dir));
        Path tokenizerFile = ClasspathModels.extract("all-minilm-l6-v2-tokenizer.json", dir);
        List<Encoding> encodings = new ArrayList<>();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile)) {
            for (String sentence : MiniLmQuantizationBenchmark.SENTENCES) {
                encodings.add(tokenizer.encode(sentence));
            }
        }
        double worst = 0;
        double scaled = 0;
        long start = System.nanoTime();
        try (NDManager manager = engine.newBaseManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, manager);
            double buildSeconds = (System.nanoTime() - start) / 1e9;
            for (int from = 0; from < encodings.size(); from += 5) {
                List<HostTensor> batch = MiniLmQuantizationBenchmark.inputs(encodings.subList(from, from + 5));
                List<Object> djl = GraphRunner.run(block, manager, batch, false);
                List<Object> ort = OrtReference.run(model, batch);
                worst = Math.max(worst, GraphRunner.maxRelativeError(djl, ort, FLOOR));
                scaled = Math.max(scaled, GraphRunner.maxScaledError(djl, ort));
            }
            System.out.printf("%-24s %6d sentences relative error %.2e, scaled error %.2e (both outputs; block"
                    + " built in %.2f s, %d parameters)%n", "all-MiniLM-L6-v2", encodings.size(), worst, scaled,
                    buildSeconds,
                    block.getParameters().size());
        }
    }

    /** Forward + backward of a batch (loss = sum of the logits), the two blocks timed in turn; medians. */
    private static void timeAgainstNativeMlp(Engine engine, Path file, Path data) throws Exception {
        ModelProto model = OnnxModelFiles.read(file);
        try (NumpyDataset dataset = NumpyDataset.open(data, Long.MAX_VALUE);
             NDManager manager = engine.newBaseManager()) {
            OnnxGraphBlock interpreted = OnnxGraphBlock.build(model, manager);
            Block reference = nativeMlp(interpreted, manager);
            HostTensor input = DatasetFeed.of(model, dataset).inputs(BATCH, BATCH).iterator().next().getFirst();
            float[] pixels = (float[]) input.data();
            Shape shape = new Shape(input.shape());
            ParameterStore interpretedStore = new ParameterStore(manager, false);
            ParameterStore referenceStore = new ParameterStore(manager, false);
            long[] interpreterNanos = new long[TIMED];
            long[] nativeNanos = new long[TIMED];
            for (int run = -WARMUP; run < TIMED; run++) {
                long a = forwardBackward(engine, manager, interpreted, interpretedStore, pixels, shape);
                long b = forwardBackward(engine, manager, reference, referenceStore, pixels, shape);
                if (run >= 0) {
                    interpreterNanos[run] = a;
                    nativeNanos[run] = b;
                }
            }
            Arrays.sort(interpreterNanos);
            Arrays.sort(nativeNanos);
            double interpreter = interpreterNanos[TIMED / 2] / 1e6;
            double nativeMs = nativeNanos[TIMED / 2] / 1e6;
            System.out.printf("LeNet-300-100 forward+backward, batch %d, median of %d: interpreter %.3f ms,"
                            + " DJL Linear/relu blocks %.3f ms, ratio %.2f (goal <= 1.3)%n", BATCH, TIMED,
                    interpreter, nativeMs, interpreter / nativeMs);
        }
    }

    private static long forwardBackward(Engine engine, NDManager owner, Block block, ParameterStore store,
                                        float[] pixels, Shape shape) {
        long start = System.nanoTime();
        try (NDManager batch = owner.newSubManager();
             GradientCollector collector = engine.newGradientCollector()) {
            NDArray x = batch.create(pixels, shape);
            NDList output = block.forward(store, new NDList(x), true);
            collector.backward(output.singletonOrThrow().sum());
        }
        return System.nanoTime() - start;
    }

    /** 784-300-100-10 from DJL's Linear blocks, initialized with the interpreted model's weights. */
    private static Block nativeMlp(OnnxGraphBlock interpreted, NDManager manager) {
        SequentialBlock mlp = new SequentialBlock();
        String[] layers = {"1", "3", "5"};
        for (int i = 0; i < layers.length; i++) {
            NDArray weight = interpreted.getParameters().get(layers[i] + ".weight").getArray();
            NDArray bias = interpreted.getParameters().get(layers[i] + ".bias").getArray();
            Linear linear = Linear.builder().setUnits(weight.getShape().get(0)).build();
            linear.setInitializer((m, s, t) -> weight.duplicate(), "weight");
            linear.setInitializer((m, s, t) -> bias.duplicate(), "bias");
            mlp.add(linear);
            if (i < layers.length - 1) {
                mlp.add(Activation::relu);
            }
        }
        mlp.initialize(manager, DataType.FLOAT32, new Shape(BATCH, 784));
        return mlp;
    }
}
