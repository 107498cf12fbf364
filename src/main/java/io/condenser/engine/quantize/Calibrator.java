package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.OnnxRuntimeModel;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.onnx.OnnxModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the range of real values each of a model's intermediate tensors takes on calibration data. It runs a copy of
 * the model in ONNX Runtime with those tensors added as graph outputs, batch by batch: a first pass records each
 * tensor's minimum and maximum; the percentile and entropy methods then fill fixed-size histograms over that range in
 * a second pass. Memory grows with the number of tensors, never with the number of samples.
 */
public final class Calibrator {

    private final RuntimeSettings runtime;

    public Calibrator(RuntimeSettings runtime) {
        this.runtime = runtime;
    }

    /**
     * @param tensors float tensors of the model (inputs or node outputs) to calibrate
     * @param batches model inputs, one list per batch, each tensor named as the model input it feeds; iterated once
     *                for min-max and twice for the histogram methods
     * @return the chosen range of every tensor, by name
     */
    public Map<String, TensorRange> calibrate(ModelProto model, Collection<String> tensors,
                                              Iterable<List<HostTensor>> batches, CalibrationOptions options,
                                              TaskMonitor monitor) throws IOException {
        Path file = Files.createTempFile("condenser-calibration", ".onnx");
        try {
            OnnxModelFiles.write(withOutputs(model, tensors), file);
            try (OnnxRuntimeModel session = OnnxRuntimeModel.load(file, runtime)) {
                boolean histograms = options.method() != CalibrationMethod.MIN_MAX;
                Map<String, RangeCollector> extremes = collectors(tensors, t -> new MinMaxCollector());
                int batchCount = collect(session, batches, extremes, histograms ? monitor.slice(0, 0.5) : monitor,
                        batches instanceof Collection<?> c ? c.size() : -1);
                if (!histograms) {
                    return ranges(extremes);
                }
                Map<String, TensorRange> observed = ranges(extremes);
                Map<String, RangeCollector> chosen = collectors(tensors,
                        t -> histogramCollector(observed.get(t), options));
                collect(session, batches, chosen, monitor.slice(0.5, 1), batchCount);
                return ranges(chosen);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static RangeCollector histogramCollector(TensorRange observed, CalibrationOptions options) {
        return switch (options.method()) {
            case PERCENTILE -> new PercentileCollector(observed, options.histogramBins(), options.percentile());
            case ENTROPY -> new EntropyCollector(observed, options.histogramBins());
            case MIN_MAX -> throw new IllegalArgumentException("min-max needs no histogram");
        };
    }

    private static Map<String, RangeCollector> collectors(Collection<String> tensors,
                                                          Function<String, RangeCollector> collectorFor) {
        Map<String, RangeCollector> collectors = new LinkedHashMap<>();
        tensors.forEach(t -> collectors.put(t, collectorFor.apply(t)));
        return collectors;
    }

    /**
     * Runs every batch and feeds each calibrated tensor's values to its collector; graph inputs are read from the
     * batch itself.
     *
     * @param knownBatches the number of batches, for progress; -1 when not known
     * @return the number of batches
     */
    private static int collect(OnnxRuntimeModel session, Iterable<List<HostTensor>> batches,
                               Map<String, RangeCollector> collectors, TaskMonitor monitor, int knownBatches) {
        int done = 0;
        for (List<HostTensor> batch : batches) {
            monitor.checkCancelled();
            feed(batch, collectors);
            feed(session.run(batch), collectors);
            done++;
            if (knownBatches > 0) {
                monitor.progress((double) done / knownBatches, "calibrating");
            }
        }
        if (done == 0) {
            throw new IllegalArgumentException("no calibration data: at least one batch of model inputs is needed");
        }
        monitor.progress(1, "calibrating");
        return done;
    }

    private static void feed(List<HostTensor> tensors, Map<String, RangeCollector> collectors) {
        for (HostTensor tensor : tensors) {
            RangeCollector collector = collectors.get(tensor.name());
            if (collector != null) {
                collector.add(floats(tensor));
            }
        }
    }

    private static Map<String, TensorRange> ranges(Map<String, RangeCollector> collectors) {
        Map<String, TensorRange> ranges = new LinkedHashMap<>();
        collectors.forEach((tensor, collector) -> ranges.put(tensor, collector.range()));
        return ranges;
    }

    private static float[] floats(HostTensor tensor) {
        if (!(tensor.data() instanceof float[] values)) {
            throw new UnsupportedModelException("tensor '" + tensor.name() + "' is " + tensor.type()
                    + ", not FLOAT; only float tensors are calibrated");
        }
        return values;
    }

    /** The model with every calibrated tensor that is neither a graph input nor output declared as an output. */
    static ModelProto withOutputs(ModelProto model, Collection<String> tensors) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        graph.getInputList().forEach(i -> outputs.add(i.getName()));
        for (String tensor : tensors) {
            if (outputs.add(tensor)) {
                // Only the element type is declared: the runtime infers shapes, which may differ from batch to batch.
                graph.addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT_VALUE))));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }
}
