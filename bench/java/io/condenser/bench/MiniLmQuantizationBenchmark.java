package io.condenser.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.HostTensor.ElementType;
import io.condenser.engine.eval.LatencyStats;
import io.condenser.engine.eval.OnnxRuntimeModel;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.quantize.DynamicQuantizationOptions;
import io.condenser.engine.quantize.DynamicQuantizer;
import io.condenser.engine.quantize.QuantizedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Quantizes all-MiniLM-L6-v2 (from Maven Central) with Condenser's dynamic int8 and compares it with the fp32 model and
 * with the int8 model ONNX Runtime's own quantizer produced, on mean-pooled sentence embeddings: size, cosine to fp32,
 * latency at batch 1 and 20 (runs of the three models interleaved), and quantization time.
 */
final class MiniLmQuantizationBenchmark {

    static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Model compression reduces the size of neural networks.",
            "I love eating pizza on Friday nights with my friends.",
            "Quantum computers may break current cryptography.",
            "The stock market fell sharply after the announcement.",
            "She plays the violin in the city orchestra.",
            "How do I reset my password?",
            "Climate change is affecting polar bear habitats.",
            "The new smartphone has an impressive camera.",
            "Paris is the capital of France.",
            "Deep learning models require large datasets.",
            "He forgot his umbrella and got soaked in the rain.",
            "The recipe calls for two cups of flour and one egg.",
            "Electric cars are becoming more affordable.",
            "The museum exhibits ancient Egyptian artifacts.",
            "Please send me the report by tomorrow morning.",
            "Football fans celebrated the victory in the streets.",
            "Photosynthesis converts light into chemical energy.",
            "The hotel room had a beautiful view of the ocean.",
            "Learning a new language takes time and patience.");

    private static final int WARM_QUANTIZATIONS = 5;
    private static final int LATENCY_RUNS = 60;
    private static final int WARMUP_RUNS = 5;

    private MiniLmQuantizationBenchmark() {
    }

    static void run() throws Exception {
        int threads = Integer.getInteger("bench.threads", 2);
        Path dir = Path.of("target", "bench-models");
        Path fp32 = ClasspathModels.extract("all-minilm-l6-v2.onnx", dir);
        Path peer = ClasspathModels.extract("all-minilm-l6-v2-q.onnx", dir);
        Path tokenizerFile = ClasspathModels.extract("all-minilm-l6-v2-tokenizer.json", dir);
        Path ours = dir.resolve("all-minilm-l6-v2-condenser-int8.onnx");

        Path perTensor = dir.resolve("all-minilm-l6-v2-condenser-int8-per-tensor.onnx");
        double coldSeconds = quantize(fp32, ours, DynamicQuantizationOptions.defaults());
        double[] warm = new double[WARM_QUANTIZATIONS];
        for (int i = 0; i < warm.length; i++) {
            warm[i] = quantize(fp32, ours, DynamicQuantizationOptions.defaults());
        }
        DynamicQuantizationOptions defaults = DynamicQuantizationOptions.defaults();
        quantize(fp32, perTensor, new DynamicQuantizationOptions(defaults.weightType(), false,
                defaults.quantizeEmbeddings(), defaults.reduceRange(), defaults.quantizeConvolutions()));
        Arrays.sort(warm);

        List<Encoding> encodings = new ArrayList<>();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile)) {
            for (String sentence : SENTENCES) {
                encodings.add(tokenizer.encode(sentence));
            }
        }
        RuntimeSettings runtime = RuntimeSettings.cpu(threads);
        List<Path> files = List.of(fp32, peer, ours, perTensor);
        List<String> labels = List.of("fp32", "ORT quantizer int8 (peer)", "Condenser dynamic int8",
                "Condenser int8 per-tensor");
        List<OnnxRuntimeModel> models = new ArrayList<>();
        try {
            for (Path file : files) {
                models.add(OnnxRuntimeModel.load(file, runtime));
            }
            List<float[]> reference = embed(models.get(0), encodings);
            double[][] cosine = new double[files.size()][];
            for (int m = 0; m < files.size(); m++) {
                cosine[m] = cosines(reference, embed(models.get(m), encodings));
            }
            LatencyStats[] batch1 = new LatencyStats[files.size()];
            LatencyStats[] batch20 = new LatencyStats[files.size()];
            List<List<HostTensor>> singles = encodings.stream().map(e -> inputs(List.of(e))).toList();
            timeInterleaved(models, singles, batch1);
            timeInterleaved(models, List.of(inputs(encodings)), batch20);

            System.out.printf("%nall-MiniLM-L6-v2, dynamic int8 — %d sentences, mean-pooled embeddings, ONNX Runtime %s"
                    + " via DJL, %d intra-op threads, %d timed runs%n", SENTENCES.size(),
                    ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(), threads, LATENCY_RUNS);
            System.out.printf("%-28s %14s %10s %10s %12s %12s %12s %12s%n", "model", "bytes", "cos min",
                    "cos mean", "b1 p50 ms", "b1 p95 ms", "b20 p50 ms", "b20 p95 ms");
            for (int m = 0; m < files.size(); m++) {
                System.out.printf("%-28s %,14d %10.5f %10.5f %12.3f %12.3f %12.3f %12.3f%n", labels.get(m),
                        Files.size(files.get(m)), Arrays.stream(cosine[m]).min().orElseThrow(),
                        Arrays.stream(cosine[m]).average().orElseThrow(), batch1[m].medianMs(), batch1[m].p95Ms(),
                        batch20[m].medianMs(), batch20[m].p95Ms());
            }
            System.out.printf("Condenser / peer latency (p50): batch 1 %.3f, batch 20 %.3f; size %.4f%n",
                    batch1[2].medianMs() / batch1[1].medianMs(), batch20[2].medianMs() / batch20[1].medianMs(),
                    (double) Files.size(ours) / Files.size(peer));
            System.out.printf("Condenser quantization (read + rewrite + write): cold %.3f s, warm median %.3f s"
                    + " (min %.3f, max %.3f)%n", coldSeconds, warm[warm.length / 2], warm[0], warm[warm.length - 1]);
        } finally {
            models.forEach(OnnxRuntimeModel::close);
        }
    }

    private static double quantize(Path source, Path target, DynamicQuantizationOptions options) throws Exception {
        long start = System.nanoTime();
        ModelProto model = OnnxModelFiles.read(source);
        QuantizedModel quantized = new DynamicQuantizer().quantize(model, options, TaskMonitor.NONE);
        OnnxModelFiles.write(quantized.model(), target);
        return (System.nanoTime() - start) / 1e9;
    }

    /** input_ids, attention_mask and token_type_ids for a batch, padded with 0 to the longest sentence. */
    static List<HostTensor> inputs(List<Encoding> batch) {
        int length = batch.stream().mapToInt(e -> e.getIds().length).max().orElseThrow();
        long[] ids = new long[batch.size() * length];
        long[] mask = new long[batch.size() * length];
        long[] types = new long[batch.size() * length];
        for (int b = 0; b < batch.size(); b++) {
            Encoding encoding = batch.get(b);
            for (int t = 0; t < encoding.getIds().length; t++) {
                ids[b * length + t] = encoding.getIds()[t];
                mask[b * length + t] = encoding.getAttentionMask()[t];
                types[b * length + t] = encoding.getTypeIds()[t];
            }
        }
        long[] shape = {batch.size(), length};
        return List.of(new HostTensor("input_ids", ElementType.INT64, shape, ids),
                new HostTensor("attention_mask", ElementType.INT64, shape, mask),
                new HostTensor("token_type_ids", ElementType.INT64, shape, types));
    }

    /** Mean of the token embeddings under the attention mask, one sentence at a time. */
    static List<float[]> embed(OnnxRuntimeModel model, List<Encoding> encodings) {
        List<float[]> embeddings = new ArrayList<>();
        for (Encoding encoding : encodings) {
            HostTensor hidden = model.run(inputs(List.of(encoding))).getFirst();
            float[] tokens = (float[]) hidden.data();
            int width = (int) hidden.shape()[2];
            int length = (int) hidden.shape()[1];
            float[] pooled = new float[width];
            for (int t = 0; t < length; t++) {
                for (int d = 0; d < width; d++) {
                    pooled[d] += tokens[t * width + d] / length;
                }
            }
            embeddings.add(pooled);
        }
        return embeddings;
    }

    static double[] cosines(List<float[]> reference, List<float[]> candidate) {
        double[] cosines = new double[reference.size()];
        for (int i = 0; i < cosines.length; i++) {
            double dot = 0;
            double a = 0;
            double b = 0;
            for (int d = 0; d < reference.get(i).length; d++) {
                dot += reference.get(i)[d] * candidate.get(i)[d];
                a += reference.get(i)[d] * reference.get(i)[d];
                b += candidate.get(i)[d] * candidate.get(i)[d];
            }
            cosines[i] = dot / Math.sqrt(a * b);
        }
        return cosines;
    }

    /** Times every model on the same inputs, one run of each in turn, cycling through the input sets. */
    private static void timeInterleaved(List<OnnxRuntimeModel> models, List<List<HostTensor>> inputSets,
                                        LatencyStats[] results) {
        int batchSize = (int) inputSets.getFirst().getFirst().shape()[0];
        List<List<OnnxRuntimeModel.PreparedInputs>> prepared = new ArrayList<>();
        try {
            for (OnnxRuntimeModel model : models) {
                prepared.add(inputSets.stream().map(model::prepare).toList());
            }
            long[][] nanos = new long[models.size()][LATENCY_RUNS];
            for (int run = -WARMUP_RUNS; run < LATENCY_RUNS; run++) {
                int set = Math.floorMod(run, inputSets.size());
                for (int m = 0; m < models.size(); m++) {
                    long elapsed = models.get(m).timedRun(prepared.get(m).get(set));
                    if (run >= 0) {
                        nanos[m][run] = elapsed;
                    }
                }
            }
            for (int m = 0; m < models.size(); m++) {
                results[m] = LatencyStats.of(batchSize, nanos[m]);
            }
        } finally {
            prepared.forEach(list -> list.forEach(OnnxRuntimeModel.PreparedInputs::close));
        }
    }
}
