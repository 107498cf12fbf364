package io.condenser.engine.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.onnx.ModelInspection;
import io.condenser.engine.onnx.ModelInspector;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.onnx.TensorSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Measures a compressed model next to its original: fidelity (and accuracy, on a labelled dataset) on the same inputs,
 * then latency with the runs of both models interleaved, so that load on the machine affects both alike. Inputs are
 * the dataset's samples when the settings name one, synthetic otherwise.
 */
public final class ModelComparison {

    /** No size limit when opening a dataset here: its size was checked when it was uploaded. */
    private static final long UNLIMITED = Long.MAX_VALUE;

    private final RuntimeSettings runtime;

    public ModelComparison(RuntimeSettings runtime) {
        this.runtime = runtime;
    }

    /** Compares two ONNX models on ONNX Runtime. */
    public ComparisonReport compare(Path originalFile, Path candidateFile, EvaluationSettings settings,
                                    TaskMonitor monitor) throws IOException {
        ModelProto original = OnnxModelFiles.read(originalFile);
        try (OnnxRuntimeModel reference = OnnxRuntimeModel.load(originalFile, runtime);
             OnnxRuntimeModel candidate = OnnxRuntimeModel.load(candidateFile, runtime)) {
            Pair pair = new Pair(reference, candidate);
            Outcome outcome;
            if (settings.dataset() == null) {
                outcome = onSyntheticInputs(original, pair, settings, monitor);
            } else {
                try (NumpyDataset dataset = NumpyDataset.open(settings.dataset(), UNLIMITED)) {
                    outcome = onDataset(DatasetFeed.of(original, dataset), scoresOutputIndex(original,
                            settings.output()), pair, settings, monitor);
                }
            }
            return new ComparisonReport(
                    measure(originalFile, original, outcome.referenceLatency(), outcome.referenceAccuracy()),
                    measure(candidateFile, OnnxModelFiles.read(candidateFile), outcome.candidateLatency(),
                            outcome.candidateAccuracy()),
                    outcome.fidelity());
        }
    }

    /**
     * Compares two TorchScript models on libtorch, on the settings' dataset: a TorchScript module declares no input
     * shapes to make synthetic inputs from. Its first output holds the class scores.
     *
     * @throws UnsupportedModelException when the settings name no dataset
     */
    public ComparisonReport compareTorchScript(Path originalFile, Path candidateFile, EvaluationSettings settings,
                                               TaskMonitor monitor) throws IOException {
        if (settings.dataset() == null) {
            throw new UnsupportedModelException("a TorchScript model declares no input shapes to make synthetic inputs"
                    + " from; it is compared on a dataset");
        }
        try (TorchScriptRuntimeModel reference = TorchScriptRuntimeModel.load(originalFile, runtime);
             TorchScriptRuntimeModel candidate = TorchScriptRuntimeModel.load(candidateFile, runtime);
             NumpyDataset dataset = NumpyDataset.open(settings.dataset(), UNLIMITED)) {
            Outcome outcome = onDataset(DatasetFeed.unshaped(dataset), 0, new Pair(reference, candidate), settings,
                    monitor);
            return new ComparisonReport(
                    measure(originalFile, reference.parameters(), outcome.referenceLatency(),
                            outcome.referenceAccuracy()),
                    measure(candidateFile, candidate.parameters(), outcome.candidateLatency(),
                            outcome.candidateAccuracy()),
                    outcome.fidelity());
        }
    }

    private record Pair(ExecutableModel reference, ExecutableModel candidate) {
    }

    private record Outcome(FidelityReport fidelity, List<LatencyStats> referenceLatency,
                           List<LatencyStats> candidateLatency, AccuracyReport referenceAccuracy,
                           AccuracyReport candidateAccuracy) {
    }

    private Outcome onSyntheticInputs(ModelProto original, Pair pair, EvaluationSettings settings,
                                      TaskMonitor monitor) {
        SyntheticInputs inputs = SyntheticInputs.of(original);
        OptionalLong fixedBatch = inputs.fixedBatchSize();
        int fidelityBatch = (int) fixedBatch.orElse(Math.min(settings.batchSize(), settings.samples()));
        FidelityAccumulator fidelity = new FidelityAccumulator();
        int done = 0;
        for (int b = 0; done < settings.samples(); b++) {
            monitor.checkCancelled();
            // A model with a fixed batch size runs whole batches; otherwise the last batch is the remainder.
            int size = fixedBatch.isPresent() ? fidelityBatch : Math.min(fidelityBatch, settings.samples() - done);
            List<HostTensor> batch = inputs.batch(size, settings.dimensions(), settings.seed() + b);
            fidelity.add(pair.reference().run(batch), pair.candidate().run(batch), size);
            done += size;
            monitor.progress(0.5 * done / settings.samples(), "comparing outputs");
        }
        Map<Integer, List<HostTensor>> latencyBatches = new LinkedHashMap<>();
        for (int batchSize : latencyBatchSizes(fixedBatch, settings)) {
            latencyBatches.put(batchSize, inputs.batch(batchSize, settings.dimensions(), settings.seed()));
        }
        Latencies latency = timeBoth(pair, latencyBatches, settings, monitor.slice(0.5, 1));
        return new Outcome(fidelity.report(), latency.reference(), latency.candidate(), null, null);
    }

    /** @param scoresOutput the index of the output that holds class scores, for accuracy */
    private Outcome onDataset(DatasetFeed feed, int scoresOutput, Pair pair, EvaluationSettings settings,
                              TaskMonitor monitor) throws IOException {
        long total = Math.min(settings.samples(), feed.sampleCount());
        FidelityAccumulator fidelity = new FidelityAccumulator();
        AccuracyAccumulator referenceAccuracy = new AccuracyAccumulator();
        AccuracyAccumulator candidateAccuracy = new AccuracyAccumulator();
        long done = 0;
        try (DatasetFeed.Batches batches = feed.batches(settings.batchSize(), total)) {
            while (batches.hasNext()) {
                monitor.checkCancelled();
                DatasetFeed.Batch batch = batches.next();
                long rows = batch.inputs().getFirst().shape()[0];
                List<HostTensor> expected = leading(pair.reference().run(batch.inputs()), batch, rows);
                List<HostTensor> actual = leading(pair.candidate().run(batch.inputs()), batch, rows);
                fidelity.add(expected, actual, batch.validSamples());
                if (batch.labels() != null) {
                    referenceAccuracy.add(expected.get(scoresOutput), batch.labels(), batch.validSamples());
                    candidateAccuracy.add(actual.get(scoresOutput), batch.labels(), batch.validSamples());
                }
                done += batch.validSamples();
                monitor.progress(0.5 * done / total, "comparing outputs on the dataset");
            }
        }
        Map<Integer, List<HostTensor>> latencyBatches = new LinkedHashMap<>();
        for (int batchSize : latencyBatchSizes(feed.fixedBatchSize(), settings)) {
            try (DatasetFeed.Batches batches = feed.batches(batchSize, batchSize)) {
                List<HostTensor> inputs = batches.next().inputs();
                latencyBatches.put((int) inputs.getFirst().shape()[0], inputs);
            }
        }
        Latencies latency = timeBoth(pair, latencyBatches, settings, monitor.slice(0.5, 1));
        boolean labelled = feed.labelled();
        return new Outcome(fidelity.report(), latency.reference(), latency.candidate(),
                labelled ? referenceAccuracy.report() : null, labelled ? candidateAccuracy.report() : null);
    }

    private static List<HostTensor> leading(List<HostTensor> outputs, DatasetFeed.Batch batch, long rows) {
        return outputs.stream().map(o -> o.leading(batch.validSamples(), rows)).toList();
    }

    private static int scoresOutputIndex(ModelProto model, String output) {
        if (output == null) {
            return 0;
        }
        List<TensorSignature> outputs = ModelInspector.inspect(model).outputs();
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i).name().equals(output)) {
                return i;
            }
        }
        throw new UnsupportedModelException("the model has no output '" + output + "'; its outputs are "
                + outputs.stream().map(TensorSignature::name).toList());
    }

    /** Batch 1 and the settings' batch size, or the one batch size a model fixes. */
    private static Set<Integer> latencyBatchSizes(OptionalLong fixedBatch, EvaluationSettings settings) {
        Set<Integer> sizes = new LinkedHashSet<>();
        if (fixedBatch.isPresent()) {
            sizes.add((int) fixedBatch.getAsLong());
        } else {
            sizes.add(1);
            sizes.add(settings.batchSize());
        }
        return sizes;
    }

    private record Latencies(List<LatencyStats> reference, List<LatencyStats> candidate) {
    }

    /** @param batches inputs by batch size */
    private static Latencies timeBoth(Pair pair, Map<Integer, List<HostTensor>> batches, EvaluationSettings settings,
                                      TaskMonitor monitor) {
        List<LatencyStats> reference = new ArrayList<>();
        List<LatencyStats> candidate = new ArrayList<>();
        int timed = 0;
        for (Map.Entry<Integer, List<HostTensor>> entry : batches.entrySet()) {
            int batchSize = entry.getKey();
            long[][] nanos = timeInterleaved(pair.reference(), pair.candidate(), entry.getValue(), settings, monitor);
            reference.add(LatencyStats.of(batchSize, nanos[0]));
            candidate.add(LatencyStats.of(batchSize, nanos[1]));
            monitor.progress((double) ++timed / batches.size(), "measuring latency");
        }
        return new Latencies(reference, candidate);
    }

    private static long[][] timeInterleaved(ExecutableModel first, ExecutableModel second, List<HostTensor> batch,
                                            EvaluationSettings settings, TaskMonitor monitor) {
        long[][] nanos = new long[2][settings.latencyRuns()];
        try (ExecutableModel.PreparedInputs firstInputs = first.prepare(batch);
             ExecutableModel.PreparedInputs secondInputs = second.prepare(batch)) {
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

    private static ModelMeasurement measure(Path file, ModelProto model, List<LatencyStats> latency,
                                            AccuracyReport accuracy) throws IOException {
        ModelInspection inspection = ModelInspector.inspect(model);
        return new ModelMeasurement(OnnxModelFiles.storedBytes(file, model), inspection.parameterCount(),
                inspection.initializerBytes(), latency, accuracy);
    }

    private static ModelMeasurement measure(Path file, ModuleParameters parameters, List<LatencyStats> latency,
                                            AccuracyReport accuracy) throws IOException {
        return new ModelMeasurement(Files.size(file), parameters.count(), parameters.bytes(), latency, accuracy);
    }
}
