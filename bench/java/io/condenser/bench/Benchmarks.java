package io.condenser.bench;

import java.util.List;

/** Entry point of bench/run: runs the named benchmarks, or all of them. */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        List<String> names = args.length == 0 || args[0].isBlank() ? List.of("all") : List.of(args[0].split("[ ,]+"));
        boolean all = names.contains("all");
        if (all || names.contains("mnist")) {
            MnistCorpusBenchmark.run();
        }
        if (all || names.contains("minilm")) {
            MiniLmQuantizationBenchmark.run();
        }
        if (all || names.contains("large")) {
            LargeModelBenchmark.run();
        }
        if (all || names.contains("formats")) {
            WeightFormatsBenchmark.run();
        }
        if (all || names.contains("djl")) {
            DjlInterpreterBenchmark.run();
        }
        if (all || names.contains("train")) {
            TrainingBenchmark.run();
        }
        if (all || names.contains("qat")) {
            QatBenchmark.run();
        }
    }
}
