package io.condenser.engine.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.onnx.ModelInspection;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Measures a compressed model next to its original: fidelity on the same synthetic inputs, then latency with the runs
 * of both models interleaved, so that load on the machine affects both alike.
 */
public final class ModelComparison {

    private final RuntimeSettings runtime;

    public ModelComparison(RuntimeSettings runtime) {
        this.runtime = runtime;
    }

    public ComparisonReport compare(Path originalFile, Path candidateFile, EvaluationSettings settings,
                                    TaskMonitor monitor) throws IOException {
        ModelProto original = OnnxModelFiles.read(originalFile);
        SyntheticInputs inputs = SyntheticInputs.of(original);
        OptionalLong fixedBatch = inputs.fixedBatchSize();
        int fidelityBatch = (int) fixedBatch.orElse(Math.min(settings.batchSize(), settings.samples()));
        Set<Integer> latencyBatches = new LinkedHashSet<>();
        if (fixedBatch.isPresent()) {
            latencyBatches.add((int) fixedBatch.getAsLong());
        } else {
            latencyBatches.add(1);
            latencyBatches.add(settings.batchSize());
        }

        try (OnnxRuntimeModel reference = OnnxRuntimeModel.load(originalFile, runtime);
             OnnxRuntimeModel candidate = OnnxRuntimeModel.load(candidateFile, runtime)) {
            FidelityAccumulator fidelity = new FidelityAccumulator();
            int done = 0;
            for (int b = 0; done < settings.samples(); b++) {
                monitor.checkCancelled();
                // A model with a fixed batch size runs whole batches; otherwise the last batch is the remainder.
                int size = fixedBatch.isPresent() ? fidelityBatch : Math.min(fidelityBatch, settings.samples() - done);
                List<HostTensor> batch = inputs.batch(size, settings.dimensions(), settings.seed() + b);
                fidelity.add(reference.run(batch), candidate.run(batch), size);
                done += size;
                monitor.progress(0.5 * done / settings.samples(), "comparing outputs");
            }

            List<LatencyStats> referenceLatency = new ArrayList<>();
            List<LatencyStats> candidateLatency = new ArrayList<>();
            int timed = 0;
            for (int batchSize : latencyBatches) {
                List<HostTensor> batch = inputs.batch(batchSize, settings.dimensions(), settings.seed());
                long[][] nanos = timeInterleaved(reference, candidate, batch, settings, monitor);
                referenceLatency.add(LatencyStats.of(batchSize, nanos[0]));
                candidateLatency.add(LatencyStats.of(batchSize, nanos[1]));
                monitor.progress(0.5 + 0.5 * ++timed / latencyBatches.size(), "measuring latency");
            }
            return new ComparisonReport(
                    measure(originalFile, original, referenceLatency),
                    measure(candidateFile, OnnxModelFiles.read(candidateFile), candidateLatency),
                    fidelity.report());
        }
    }

    private static long[][] timeInterleaved(OnnxRuntimeModel first, OnnxRuntimeModel second, List<HostTensor> batch,
                                            EvaluationSettings settings, TaskMonitor monitor) {
        long[][] nanos = new long[2][settings.latencyRuns()];
        try (OnnxRuntimeModel.PreparedInputs firstInputs = first.prepare(batch);
             OnnxRuntimeModel.PreparedInputs secondInputs = second.prepare(batch)) {
            for (int i = 0; i < settings.warmupRuns(); i++) {
                first.timedRun(firstInputs);
                second.timedRun(secondInputs);
            }
            for (int i = 0; i < settings.latencyRuns(); i++) {
                monitor.checkCancelled();
                nanos[0][i] = first.timedRun(firstInputs);
                nanos[1][i] = second.timedRun(secondInputs);
            }
        }
        return nanos;
    }

    private static ModelMeasurement measure(Path file, ModelProto model, List<LatencyStats> latency)
            throws IOException {
        ModelInspection inspection = ModelInspector.inspect(model);
        return new ModelMeasurement(Files.size(file), inspection.parameterCount(), inspection.initializerBytes(),
                latency);
    }
}
