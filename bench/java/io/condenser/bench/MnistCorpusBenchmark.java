package io.condenser.bench;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.eval.ComparisonReport;
import io.condenser.engine.eval.DatasetFeed;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.quantize.DynamicQuantizationOptions;
import io.condenser.engine.quantize.CalibrationMethod;
import io.condenser.engine.quantize.CalibrationOptions;
import io.condenser.engine.quantize.DynamicQuantizer;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.StaticQuantizer;
import io.condenser.engine.quantize.Fp16Converter;
import io.condenser.engine.quantize.Fp16Options;
import io.condenser.engine.quantize.TernaryOptions;
import io.condenser.engine.quantize.TernaryQuantizer;
import io.condenser.engine.quantize.WeightOnlyOptions;
import io.condenser.engine.quantize.WeightOnlyQuantizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quality bar of the quantization suite on the shared corpus (LeNet-300-100 and LeNet-5 exported by PyTorch, the
 * MNIST split they were trained on): each case compresses a model with the engine, then measures size and test
 * accuracy of original and result with the same comparison jobs use. The field's numbers come from
 * corpus/REFERENCE.md (ONNX Runtime 1.30's Python quantizer on the same files).
 */
final class MnistCorpusBenchmark {

    private static final int CALIBRATION_SAMPLES = 256;
    private static final long LENET300_BYTES = 1_067_187;
    private static final long LENET5_BYTES = 1_725_724;
    private static final int TIMED_COMPRESSIONS = 5;

    /** What a case does to a model; calibration data comes from the train split when a method needs it. */
    interface Compression {
        ModelProto apply(ModelProto model, Iterable<List<HostTensor>> calibration, RuntimeSettings runtime);
    }

    /**
     * @param maxBytes     the size bar for the result
     * @param minAccuracy  the accuracy bar (fraction); 0 where none is set (the extreme formats report it)
     * @param fieldResult  what the field's tool reached, as REFERENCE.md states it
     */
    record Case(String name, String modelFile, Compression compression, long maxBytes, double minAccuracy,
                String fieldResult) {
    }

    private MnistCorpusBenchmark() {
    }

    static List<Case> cases() {
        return List.of(
                new Case("LeNet-300-100 dynamic int8 per-channel", "lenet300_mnist.onnx",
                        (model, calibration, runtime) -> new DynamicQuantizer().quantize(model,
                                DynamicQuantizationOptions.defaults(), TaskMonitor.NONE).model(),
                        273_000, 0.9526, "95.26 %, 273,358 B"),
                new Case("LeNet-5 static QDQ per-channel, min-max", "lenet5_mnist.onnx",
                        staticQuantization(CalibrationMethod.MIN_MAX), 440_000, 0.9726, "97.26 %, 447,120 B"),
                new Case("LeNet-5 static QDQ per-channel, percentile", "lenet5_mnist.onnx",
                        staticQuantization(CalibrationMethod.PERCENTILE), 440_000, 0.9726, "97.26 %, 447,120 B"),
                new Case("LeNet-5 static QDQ per-channel, entropy", "lenet5_mnist.onnx",
                        staticQuantization(CalibrationMethod.ENTROPY), 440_000, 0.9726, "97.26 %, 447,120 B"),
                new Case("LeNet-300-100 static QDQ per-channel", "lenet300_mnist.onnx",
                        staticQuantization(CalibrationMethod.MIN_MAX), 277_186, 0.9526, "95.26 %, 277,186 B"),
                new Case("LeNet-5 dynamic int8, convolutions too", "lenet5_mnist.onnx",
                        (model, calibration, runtime) -> new DynamicQuantizer().quantize(model,
                                DynamicQuantizationOptions.defaults().withConvolutions(), TaskMonitor.NONE).model(),
                        438_271, 0.9726, "97.26 %, 438,271 B"),
                new Case("LeNet-300-100 int4 weight-only, blocks of 64", "lenet300_mnist.onnx",
                        (model, calibration, runtime) -> new WeightOnlyQuantizer().quantize(model,
                                WeightOnlyOptions.defaults(), TaskMonitor.NONE).model(),
                        fractionOf(LENET300_BYTES, 0.16), 0.9426, "—"),
                new Case("LeNet-5 fp16", "lenet5_mnist.onnx",
                        (model, calibration, runtime) -> new Fp16Converter().convert(model, Fp16Options.defaults(),
                                TaskMonitor.NONE).model(),
                        fractionOf(LENET5_BYTES, 0.52), 0.9726, "—"),
                new Case("LeNet-300-100 ternary per-channel", "lenet300_mnist.onnx",
                        (model, calibration, runtime) -> new TernaryQuantizer().quantize(model,
                                TernaryOptions.ternary(), TaskMonitor.NONE).model(),
                        fractionOf(LENET300_BYTES, 0.16), 0, "—"),
                new Case("LeNet-5 ternary per-channel", "lenet5_mnist.onnx",
                        (model, calibration, runtime) -> new TernaryQuantizer().quantize(model,
                                TernaryOptions.ternary(), TaskMonitor.NONE).model(),
                        fractionOf(LENET5_BYTES, 0.16), 0, "—"));
    }

    private static Compression staticQuantization(CalibrationMethod method) {
        return (model, calibration, runtime) -> {
            try {
                return new StaticQuantizer(runtime).quantize(model, StaticQuantizationOptions.defaults()
                        .withCalibration(CalibrationOptions.of(method)), calibration, TaskMonitor.NONE).model();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static long fractionOf(long bytes, double fraction) {
        return (long) Math.floor(bytes * fraction);
    }

    static void run() throws Exception {
        Path corpus = Path.of(System.getProperty("bench.corpus", "../shared/corpus"));
        if (!Files.isRegularFile(corpus.resolve("mnist_split_test.npz"))) {
            System.out.println("MNIST corpus benchmark skipped: no corpus at " + corpus.toAbsolutePath()
                    + " (set -Dbench.corpus)");
            return;
        }
        RuntimeSettings runtime = RuntimeSettings.cpu(Integer.getInteger("bench.threads", 2));
        Path out = Files.createDirectories(Path.of("target", "bench-models"));
        Path test = corpus.resolve("mnist_split_test.npz");
        Path train = corpus.resolve("mnist_split_train.npz");
        EvaluationSettings evaluation = new EvaluationSettings(EvaluationSettings.ALL_SAMPLES, 256, 20, 3, Map.of(),
                42).withDataset(test, null);

        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-44s %12s %8s %9s %9s %10s %9s  %-22s %s%n", "case", "bytes", "of fp32", "acc fp32",
                "acc out", "time s", "b256 ×", "field's tool", "bar"));
        for (Case c : cases()) {
            Path source = corpus.resolve(c.modelFile());
            Path result = out.resolve(c.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".onnx");
            ModelProto model = OnnxModelFiles.read(source);
            try (NumpyDataset trainSet = NumpyDataset.open(train, Long.MAX_VALUE)) {
                Iterable<List<HostTensor>> calibration = DatasetFeed.of(model, trainSet).inputs(32,
                        CALIBRATION_SAMPLES);
                double[] seconds = new double[TIMED_COMPRESSIONS];
                for (int i = 0; i < seconds.length; i++) {
                    long start = System.nanoTime();
                    ModelProto compressed = c.compression().apply(OnnxModelFiles.read(source), calibration, runtime);
                    OnnxModelFiles.write(compressed, result);
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                }
                Arrays.sort(seconds);
                ComparisonReport report = new ModelComparison(runtime).compare(source, result, evaluation,
                        TaskMonitor.NONE);
                long bytes = Files.size(result);
                double before = report.original().accuracy().top1();
                double after = report.candidate().accuracy().top1();
                double speed = report.original().latency().getLast().medianMs()
                        / report.candidate().latency().getLast().medianMs();
                // Accuracies are compared as the percentages with two decimals that the bars are written in.
                boolean passes = bytes <= c.maxBytes() && Math.round(after * 1e4) >= Math.round(c.minAccuracy() * 1e4);
                rows.add(String.format("%-44s %,12d %7.1f%% %8.2f%% %8.2f%% %10.3f %9.2f  %-22s %s"
                                + " (≤ %,d B, ≥ %.2f %%)",
                        c.name(), bytes, 100.0 * bytes / Files.size(source), 100 * before, 100 * after,
                        seconds[seconds.length / 2], speed, c.fieldResult(), passes ? "met" : "MISSED", c.maxBytes(),
                        100 * c.minAccuracy()));
            } catch (IOException e) {
                rows.add(String.format("%-44s failed: %s", c.name(), e));
            }
        }
        // The runtime's version is read only now: asking before DJL created its environment breaks DJL's start.
        System.out.printf("%nMNIST corpus (test split, %s): ONNX Runtime %s via DJL, %d intra-op threads%n",
                test.getFileName(), ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(),
                runtime.intraOpThreads());
        rows.forEach(System.out::println);
        System.out.println("time: median of " + TIMED_COMPRESSIONS + " runs of read + compress + write;"
                + " b256 ×: original latency / result latency at batch 256, interleaved runs");
    }
}
