package io.condenser.bench;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.FidelityReport;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.OnnxGraphBuilder;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.quantize.DynamicQuantizationOptions;
import io.condenser.engine.quantize.DynamicQuantizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Dynamic int8 quantization of a synthetic model over 2 GiB, which only ONNX external data can hold: 33 MatMul layers
 * of 4096×4096 float weights (2.2 GB in a side file). The quantization runs in a child JVM with a 768 MB heap limit, so
 * its peak resident memory (VmHWM) is its own; then the result is compared with the original in ONNX Runtime.
 */
final class LargeModelBenchmark {

    private static final int WIDTH = 4096;
    private static final int LAYERS = 33;
    /** The quantized weights (0.55 GB) stay in memory until written; one fp32 weight (64 MB) is read at a time. */
    private static final String HEAP = "768m";

    private LargeModelBenchmark() {
    }

    static void run() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "bench-models", "large"));
        Path model = dir.resolve("synthetic-2g.onnx");
        if (!Files.exists(model)) {
            generate(model);
        }
        Path result = dir.resolve("synthetic-2g-int8.onnx");
        long dataBytes = Files.size(OnnxModelFiles.dataFileOf(model));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP, "-cp", System.getProperty("java.class.path"), LargeModelBenchmark.class.getName(),
                model.toString(), result.toString()).inheritIO().start();
        if (child.waitFor() != 0) {
            throw new IllegalStateException("the quantization process failed");
        }
        FidelityReport fidelity = new ModelComparison(RuntimeSettings.cpu(Integer.getInteger("bench.threads", 2)))
                .compare(model, result, new EvaluationSettings(8, 4, 3, 1, Map.of(), 1), TaskMonitor.NONE)
                .fidelity();
        System.out.printf("synthetic model: %,d bytes of weights in %s → %,d bytes (%s); cosine to fp32 min %.5f%n",
                dataBytes, OnnxModelFiles.dataFileOf(model).getFileName(), Files.size(result), result.getFileName(),
                fidelity.cosineMin());
    }

    /** Child process: read, quantize, write; then report the wall time and the peak resident memory. */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        ModelProto model = OnnxModelFiles.read(Path.of(args[0]));
        ModelProto quantized = new DynamicQuantizer().quantize(model, DynamicQuantizationOptions.defaults(),
                TaskMonitor.NONE).model();
        List<Path> written = OnnxModelFiles.write(quantized, Path.of(args[1]));
        double seconds = (System.nanoTime() - start) / 1e9;
        String peak = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmHWM")).findFirst().orElse("VmHWM: unknown");
        System.out.printf("%nsynthetic 2.2 GB model, dynamic int8 (read + quantize + write, -Xmx%s): %.2f s, %s into"
                + " %d file(s); peak resident memory %s%n", HEAP, seconds, written.getFirst().getFileName(),
                written.size(), peak.replaceAll("\\s+", " ").replace("VmHWM: ", ""));
    }

    /** Writes the model file and its side file, the weights streamed to disk a megabyte at a time. */
    private static void generate(Path model) throws IOException {
        Path data = OnnxModelFiles.dataFileOf(model);
        SplittableRandom random = new SplittableRandom(7);
        float std = (float) (1 / Math.sqrt(WIDTH));
        OnnxGraphBuilder builder = OnnxGraphBuilder.create("synthetic_2g", 17)
                .input("x", DataType.FLOAT, "batch", WIDTH);
        List<TensorProto> weights = new ArrayList<>();
        long weightBytes = (long) WIDTH * WIDTH * Float.BYTES;
        try (FileChannel channel = FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int layer = 0; layer < LAYERS; layer++) {
                long offset = channel.position();
                for (long written = 0; written < weightBytes; written += buffer.capacity()) {
                    buffer.clear();
                    while (buffer.hasRemaining()) {
                        buffer.putFloat((float) random.nextGaussian() * std);
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
                weights.add(TensorProto.newBuilder().setName("w" + layer).setDataType(DataType.FLOAT_VALUE)
                        .addDims(WIDTH).addDims(WIDTH).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", data.getFileName().toString()))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(weightBytes))).build());
            }
        }
        String previous = "x";
        for (int layer = 0; layer < LAYERS; layer++) {
            builder.initializer(weights.get(layer))
                    .node("MatMul", List.of(previous, "w" + layer), List.of("h" + layer))
                    .node("Relu", List.of("h" + layer), List.of("a" + layer));
            previous = "a" + layer;
        }
        Files.write(model, builder.output(previous, DataType.FLOAT, "batch", WIDTH).build().toByteArray());
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
