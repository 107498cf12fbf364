package io.condenser.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.HostTensor.ElementType;
import io.condenser.engine.eval.OnnxRuntimeModel;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.ModelValidator;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.quantize.Fp16Converter;
import io.condenser.engine.quantize.Fp16Options;
import io.condenser.engine.quantize.TernaryOptions;
import io.condenser.engine.quantize.TernaryQuantizer;
import io.condenser.engine.quantize.WeightOnlyOptions;
import io.condenser.engine.quantize.WeightOnlyQuantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Weight-only int4/int8, fp16 and ternary/binary weights on the corpus's LeNet-300-100 and LeNet-5 (accuracy on the
 * MNIST test split; the corpus is looked for in {@code -Dbench.corpus}, default {@code ../shared/corpus}) and on
 * all-MiniLM-L6-v2 (cosine of mean-pooled embeddings to fp32): file size, quality and conversion time.
 */
final class WeightFormatsBenchmark {

    private static final int BATCH = 256;

    /** A named conversion of a model. */
    private record Format(String name, UnaryOperator<ModelProto> convert) {
    }

    private static final List<Format> FORMATS = List.of(
            new Format("weight-only int4 (defaults)", m -> new WeightOnlyQuantizer()
                    .quantize(m, WeightOnlyOptions.defaults(), TaskMonitor.NONE).model()),
            new Format("weight-only int8 per-channel", m -> new WeightOnlyQuantizer()
                    .quantize(m, new WeightOnlyOptions(8, 0, true), TaskMonitor.NONE).model()),
            new Format("fp16 (defaults)", m -> new Fp16Converter()
                    .convert(m, Fp16Options.defaults(), TaskMonitor.NONE).model()),
            new Format("ternary per-channel", m -> new TernaryQuantizer()
                    .quantize(m, TernaryOptions.ternary(), TaskMonitor.NONE).model()),
            new Format("binary per-channel", m -> new TernaryQuantizer()
                    .quantize(m, TernaryOptions.binary(), TaskMonitor.NONE).model()));

    private WeightFormatsBenchmark() {
    }

    static void run() throws Exception {
        Path dir = Path.of("target", "bench-models");
        Files.createDirectories(dir);
        Path corpus = Path.of(System.getProperty("bench.corpus", "../shared/corpus"));
        if (Files.isRegularFile(corpus.resolve("mnist_split_test.npz"))) {
            var test = NpzArrays.read(corpus.resolve("mnist_split_test.npz"));
            float[] images = (float[]) test.get("x").values();
            long[] labels = (long[]) test.get("y").values();
            for (String name : List.of("lenet300_mnist", "lenet5_mnist")) {
                System.out.printf("%n%s — accuracy on %d MNIST test images%n", name, labels.length);
                header("accuracy");
                Path original = corpus.resolve(name + ".onnx");
                row("fp32", original, 0, accuracy(original, images, labels));
                for (Format format : FORMATS) {
                    Path converted = dir.resolve(name + "-" + format.name().replaceAll("\\W+", "-") + ".onnx");
                    double seconds = convert(original, converted, format);
                    row(format.name(), converted, seconds, accuracy(converted, images, labels));
                }
            }
        } else {
            System.out.println("no corpus at " + corpus.toAbsolutePath() + "; LeNet measurements skipped");
        }
        miniLm(dir);
    }

    private static void miniLm(Path dir) throws Exception {
        Path fp32 = ClasspathModels.extract("all-minilm-l6-v2.onnx", dir);
        Path tokenizerFile = ClasspathModels.extract("all-minilm-l6-v2-tokenizer.json", dir);
        List<Encoding> encodings = new ArrayList<>();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile)) {
            for (String sentence : MiniLmQuantizationBenchmark.SENTENCES) {
                encodings.add(tokenizer.encode(sentence));
            }
        }
        RuntimeSettings runtime = RuntimeSettings.cpu(Integer.getInteger("bench.threads", 2));
        List<float[]> reference;
        try (OnnxRuntimeModel model = OnnxRuntimeModel.load(fp32, runtime)) {
            reference = MiniLmQuantizationBenchmark.embed(model, encodings);
        }
        System.out.printf("%nall-MiniLM-L6-v2 — cosine of %d mean-pooled sentence embeddings to fp32 (min / mean)%n",
                encodings.size());
        header("cos min / mean");
        System.out.printf("%-30s %,12d %9s %s%n", "fp32", Files.size(fp32), "", "1 / 1");
        for (Format format : FORMATS) {
            Path converted = dir.resolve("all-minilm-l6-v2-" + format.name().replaceAll("\\W+", "-") + ".onnx");
            double seconds = convert(fp32, converted, format);
            try (OnnxRuntimeModel model = OnnxRuntimeModel.load(converted, runtime)) {
                double[] cosines = MiniLmQuantizationBenchmark.cosines(reference,
                        MiniLmQuantizationBenchmark.embed(model, encodings));
                row(format.name(), converted, seconds, String.format("%.5f / %.5f",
                        Arrays.stream(cosines).min().orElseThrow(), Arrays.stream(cosines).average().orElseThrow()));
            }
        }
    }

    private static double convert(Path source, Path target, Format format) throws Exception {
        long start = System.nanoTime();
        ModelProto converted = format.convert().apply(OnnxModelFiles.read(source));
        OnnxModelFiles.write(converted, target);
        double seconds = (System.nanoTime() - start) / 1e9;
        ModelValidator.validate(converted);
        return seconds;
    }

    private static String accuracy(Path file, float[] images, long[] labels) throws Exception {
        int pixels = images.length / labels.length;
        boolean image = ModelInspector.inspect(OnnxModelFiles.read(file)).inputs().getFirst().shape().size() == 4;
        int correct = 0;
        try (OnnxRuntimeModel model = OnnxRuntimeModel.load(file, RuntimeSettings.cpu(2))) {
            String input = ModelInspector.inspect(OnnxModelFiles.read(file)).inputs().getFirst().name();
            for (int start = 0; start < labels.length; start += BATCH) {
                int size = Math.min(BATCH, labels.length - start);
                float[] batch = Arrays.copyOfRange(images, start * pixels, (start + size) * pixels);
                long[] shape = image ? new long[] {size, 1, 28, 28} : new long[] {size, pixels};
                float[] logits = (float[]) model.run(List.of(new HostTensor(input, ElementType.FLOAT32, shape, batch)))
                        .getFirst().data();
                int classes = logits.length / size;
                for (int i = 0; i < size; i++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        best = logits[i * classes + c] > logits[i * classes + best] ? c : best;
                    }
                    correct += best == labels[start + i] ? 1 : 0;
                }
            }
        }
        return String.format("%.2f %%", 100.0 * correct / labels.length);
    }

    private static void header(String quality) {
        System.out.printf("%-30s %12s %9s %s%n", "format", "bytes", "seconds", quality);
    }

    private static void row(String name, Path file, double seconds, String quality) throws Exception {
        System.out.printf("%-30s %,12d %9.3f %s%n", name, Files.size(file), seconds, quality);
    }
}
