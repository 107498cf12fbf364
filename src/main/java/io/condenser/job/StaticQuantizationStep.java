package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.eval.DatasetFeed;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.SyntheticInputs;
import io.condenser.engine.quantize.ActivationType;
import io.condenser.engine.quantize.CalibrationMethod;
import io.condenser.engine.quantize.CalibrationOptions;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.StaticQuantizationPlan;
import io.condenser.engine.quantize.StaticQuantizationReport;
import io.condenser.engine.quantize.StaticQuantizedModel;
import io.condenser.engine.quantize.StaticQuantizer;
import io.condenser.problem.FieldProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code {"type": "quantize", "mode": "static", "calibration": {"datasetId": …}, ...}}: int8 weights and activations in
 * QDQ form, activation ranges calibrated on a dataset.
 */
@Component
class StaticQuantizationStep extends QuantizationStep {

    private static final Map<String, CalibrationMethod> METHODS = Map.of(
            "minmax", CalibrationMethod.MIN_MAX,
            "percentile", CalibrationMethod.PERCENTILE,
            "entropy", CalibrationMethod.ENTROPY);

    @Override
    public String method() {
        return "static";
    }

    @Override
    public String description() {
        return "Static quantization in QDQ form: Conv (grouped and depthwise too), Gemm and MatMul (attention"
                + " products included) with int8 weights (per output channel) and activations quantized with ranges"
                + " measured on a calibration dataset, so that ONNX Runtime runs QLinearConv, QGemm and"
                + " QLinearMatMul. Batch norms are folded into the Conv or Gemm before them first; a Relu or Clip"
                + " after a quantized operator is absorbed by its output's range; pooling and reshaping pass the int8"
                + " tensor through; residual Adds of two quantized tensors become QLinearAdd. Graph inputs and"
                + " outputs stay float32. Needs opset 10 (13 for per-channel weights).";
    }

    @Override
    public List<ParameterDefinition> parameters() {
        return List.of(
                ParameterDefinition.choice("activationType", List.of("uint8", "int8"), "uint8",
                        "Quantized activations: uint8 is what ONNX Runtime's x86 kernels are fastest with."),
                ParameterDefinition.flag("perChannel", true,
                        "One weight scale per output channel (opset 13) instead of one per weight tensor."),
                ParameterDefinition.flag("foldBatchNorm", true,
                        "Fold BatchNormalization into the Conv/Gemm before it first."),
                ParameterDefinition.object("calibration", List.of(
                        ParameterDefinition.dataset("datasetId",
                                "The dataset whose samples the activation ranges are measured on."),
                        ParameterDefinition.choice("method", List.of("minmax", "percentile", "entropy"), "minmax",
                                "minmax: the whole range seen; percentile: the range covering `percentile` % of"
                                        + " the values; entropy: the clipping with the least KL divergence."),
                        ParameterDefinition.integer("samples", 256, 1, 1_000_000,
                                "Calibration samples, the first of the dataset."),
                        ParameterDefinition.integer("batchSize", 32, 1, 1024,
                                "Samples per calibration run (a model with a fixed batch size uses its own)."),
                        ParameterDefinition.number("percentile", 99.999, 50, 100,
                                "For method percentile: the share of values (in %, above 50) the range covers."),
                        ParameterDefinition.integer("bins", 2048, CalibrationOptions.MIN_HISTOGRAM_BINS, 1 << 20,
                                "Histogram bins for percentile and entropy.")),
                        "Where and how activation ranges are measured."));
    }

    @Override
    public Optional<FieldProblem> checkArguments(StepArguments arguments) {
        if (arguments.object("calibration").number("percentile") <= 50) {
            return Optional.of(new FieldProblem("calibration.percentile", "must be above 50"));
        }
        return Optional.empty();
    }

    @Override
    public PipelineStep create(StepArguments arguments, StepContext context) {
        StaticQuantizationOptions options = options(arguments);
        StepArguments calibration = arguments.object("calibration");
        NumpyDataset dataset = context.datasets().get(calibration.dataset("datasetId"));
        StaticQuantizer quantizer = new StaticQuantizer(context.runtime());
        return (model, monitor) -> {
            DatasetFeed feed = DatasetFeed.of(model, dataset);
            long samples = calibrationSamples(feed, calibration.integer("samples"));
            Iterable<List<HostTensor>> batches = feed.inputs(calibration.integer("batchSize"), samples);
            StaticQuantizedModel result = quantizer.quantize(model, options, batches, monitor);
            return new PipelineStep.Outcome(result.model(), counters(result.report(), samples));
        };
    }

    /**
     * A model with a fixed batch size calibrates on whole batches only: a padded last batch would add zeros to the
     * ranges' histograms ({@link #whyNotApplicable} refuses a dataset smaller than one batch).
     */
    private static long calibrationSamples(DatasetFeed feed, int requested) {
        long available = Math.min(requested, feed.sampleCount());
        long batch = feed.fixedBatchSize().orElse(1);
        return available / batch * batch;
    }

    @Override
    public Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        Optional<String> method = StaticQuantizationPlan.whyNotApplicable(model, options(arguments));
        if (method.isPresent()) {
            return method;
        }
        StepArguments calibration = arguments.object("calibration");
        try {
            DatasetFeed feed = DatasetFeed.of(model, datasets.get(calibration.dataset("datasetId")));
            int batchSize = calibration.integer("batchSize");
            if (feed.batchElements(batchSize) > SyntheticInputs.MAX_BATCH_ELEMENTS) {
                return Optional.of("calibration: a batch of " + feed.fixedBatchSize().orElse(batchSize)
                        + " samples exceeds " + SyntheticInputs.MAX_BATCH_ELEMENTS + " values; lower"
                        + " calibration.batchSize");
            }
            if (calibrationSamples(feed, calibration.integer("samples")) == 0) {
                return Optional.of("calibration: the model runs fixed batches of "
                        + feed.fixedBatchSize().getAsLong() + " samples, more than calibration.samples or the"
                        + " dataset holds");
            }
            return Optional.empty();
        } catch (UnsupportedModelException e) {
            return Optional.of("calibration dataset: " + e.getMessage());
        }
    }

    private static StaticQuantizationOptions options(StepArguments arguments) {
        StepArguments calibration = arguments.object("calibration");
        return new StaticQuantizationOptions(
                ActivationType.valueOf(arguments.string("activationType").toUpperCase(Locale.ROOT)),
                arguments.flag("perChannel"),
                new CalibrationOptions(METHODS.get(calibration.string("method")), calibration.number("percentile"),
                        calibration.integer("bins")),
                arguments.flag("foldBatchNorm"));
    }

    private static List<StepCounter> counters(StaticQuantizationReport report, long samples) {
        List<StepCounter> counters = new ArrayList<>(counters(report));
        counters.add(StepCounter.count("calibrationSamples", samples));
        return counters;
    }

    /** What a static quantization did, however its activation ranges were found. */
    static List<StepCounter> counters(StaticQuantizationReport report) {
        List<StepCounter> counters = new ArrayList<>(DynamicQuantizationStep.counters(report.operators()));
        counters.add(StepCounter.count("foldedBatchNorms", report.foldedBatchNorms()));
        counters.add(StepCounter.count("absorbedActivations", report.absorbedActivations()));
        counters.add(StepCounter.count("calibratedTensors", report.calibratedTensors()));
        return counters;
    }
}
