package io.condenser.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.OnnxRuntimeModel;
import io.condenser.engine.eval.RuntimeSettings;
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
 * Weight-only int4/int8, fp16 and ternary/binary weights on all-MiniLM-L6-v2 (cosine of mean-pooled embeddings to
 * fp32): file size, quality and conversion time. The same formats on the MNIST corpus are in
 * {@link MnistCorpusBenchmark}.
 */
final class WeightFormatsBenchmark {

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
        Path dir = Files.createDirectories(Path.of("target", "bench-models"));
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

    private static void header(String quality) {
        System.out.printf("%-30s %12s %9s %s%n", "format", "bytes", "seconds", quality);
    }

    private static void row(String name, Path file, double seconds, String quality) throws Exception {
        System.out.printf("%-30s %,12d %9.3f %s%n", name, Files.size(file), seconds, quality);
    }
}
