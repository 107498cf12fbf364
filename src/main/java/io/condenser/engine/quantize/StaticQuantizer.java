package io.condenser.engine.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * Static int8 quantization in QDQ form, the form ONNX Runtime's {@code quantize_static} emits and fuses into integer
 * kernels (QLinearConv, QGemm, QLinearMatMul, QLinearAdd): weights are quantized here, and so are activations, with
 * scales and zero points calibrated on sample inputs instead of measured at run time.
 *
 * <ol>
 *   <li>Batch norms are folded into the Conv/Gemm before them (unless switched off).</li>
 *   <li>{@link StaticQuantizationPlan} decides which nodes compute on quantized tensors and which tensors to
 *       calibrate.</li>
 *   <li>{@link Calibrator} runs the model on the calibration data and chooses each tensor's range.</li>
 *   <li>The graph is rewritten with QuantizeLinear/DequantizeLinear pairs, int8 weights and int32 biases.</li>
 * </ol>
 * Graph inputs and outputs keep their names and stay float32.
 */
public final class StaticQuantizer {

    private final RuntimeSettings runtime;
    private final BatchNormFolder folder = new BatchNormFolder();

    /** @param runtime how the calibration runs of the model are executed */
    public StaticQuantizer(RuntimeSettings runtime) {
        this.runtime = runtime;
    }

    /**
     * @param calibrationData batches of model inputs, each tensor named as the model input it feeds; read once for
     *                        min-max calibration and twice for the histogram methods
     * @throws UnsupportedModelException when the model's opset is too old for the requested form
     */
    public StaticQuantizedModel quantize(ModelProto model, StaticQuantizationOptions options,
                                         Iterable<List<HostTensor>> calibrationData, TaskMonitor monitor)
            throws IOException {
        // Refuse before any work when the opset rules the method out.
        StaticQuantizationPlan.of(model, options);
        BatchNormFolding folding = options.foldBatchNorm() ? folder.fold(model)
                : new BatchNormFolding(model, 0, List.of());
        StaticQuantizationPlan plan = StaticQuantizationPlan.of(folding.model(), options);
        List<SkippedNode> skipped = new ArrayList<>(folding.skipped());
        skipped.addAll(plan.skipped());
        if (plan.isEmpty()) {
            return new StaticQuantizedModel(folding.model(), report(Map.of(), skipped, folding, 0, 0, options));
        }
        Map<String, TensorRange> ranges = new Calibrator(runtime).calibrate(folding.model(),
                plan.calibratedTensors(), calibrationData, options.calibration(), monitor.slice(0, 0.9));
        return rewrite(plan, ranges, skipped, folding, options, monitor.slice(0.9, 1));
    }

    /**
     * Quantizes with activation ranges known already, such as those observed during quantization-aware training, so
     * that the int8 model uses the scales the model was trained with; calibrated tensors without a known range are
     * calibrated on the data. Batch norms are not folded here: a model trained for this has them folded before.
     */
    public StaticQuantizedModel quantizeWithRanges(ModelProto model, StaticQuantizationOptions options,
                                                   Map<String, TensorRange> knownRanges,
                                                   Iterable<List<HostTensor>> calibrationData, TaskMonitor monitor)
            throws IOException {
        StaticQuantizationOptions unfolded = new StaticQuantizationOptions(options.activationType(),
                options.perChannel(), options.calibration(), false);
        StaticQuantizationPlan plan = StaticQuantizationPlan.of(model, unfolded);
        BatchNormFolding folding = new BatchNormFolding(model, 0, List.of());
        Map<String, TensorRange> ranges = new LinkedHashMap<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (String tensor : plan.calibratedTensors()) {
            TensorRange known = knownRanges.get(tensor);
            if (known != null) {
                ranges.put(tensor, known);
            } else {
                unknown.add(tensor);
            }
        }
        if (!unknown.isEmpty()) {
            ranges.putAll(new Calibrator(runtime).calibrate(model, unknown, calibrationData, unfolded.calibration(),
                    monitor.slice(0, 0.9)));
        }
        return rewrite(plan, ranges, plan.skipped(), folding, unfolded, monitor.slice(0.9, 1));
    }

    private static StaticQuantizedModel rewrite(StaticQuantizationPlan plan, Map<String, TensorRange> ranges,
                                                List<SkippedNode> skipped, BatchNormFolding folding,
                                                StaticQuantizationOptions options, TaskMonitor monitor) {
        QdqRewrite rewrite = new QdqRewrite(folding.model(), plan, ranges, options);
        ModelProto quantized = rewrite.rewrite(monitor);
        int absorbed = (int) plan.quantizedNodes().stream().filter(q -> q.absorbedActivation() != null).count();
        return new StaticQuantizedModel(quantized,
                report(rewrite.quantizedCounts(), skipped, folding, absorbed, ranges.size(), options));
    }

    private static StaticQuantizationReport report(Map<String, Integer> quantized, List<SkippedNode> skipped,
                                                   BatchNormFolding folding, int absorbed, int calibrated,
                                                   StaticQuantizationOptions options) {
        return new StaticQuantizationReport(new QuantizationReport(quantized, skipped), folding.folded(), absorbed,
                calibrated, options.calibration().method());
    }
}
