package io.condenser.job;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.engine.eval.ComparisonReport;
import io.condenser.engine.eval.DatasetFeed;
import io.condenser.engine.eval.EvaluationSettings;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.ModelComparison;
import io.condenser.engine.onnx.OnnxModelFiles;
import io.condenser.engine.quantize.ActivationType;
import io.condenser.engine.quantize.CalibrationMethod;
import io.condenser.engine.quantize.CalibrationOptions;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.StaticQuantizationPlan;
import io.condenser.engine.quantize.StaticQuantizedModel;
import io.condenser.engine.quantize.StaticQuantizer;
import io.condenser.engine.train.QuantizationAwareTraining;
import io.condenser.support.LocalFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code {"type": "quantize", "mode": "qat", "datasetId": …, "epochs": 3}}: quantization-aware training. The model is
 * fine-tuned with the weights and activations static quantization quantizes fake-quantized (straight-through
 * gradients), then exported as a real int8 QDQ model with the activation ranges seen in training; post-training static
 * quantization of the same model runs too, and both are measured on the dataset, so the report says what the training
 * bought.
 */
@Component
class QuantizationAwareTrainingStep extends QuantizationStep {

    /**
     * Calibration samples for the ranges training starts from and for post-training quantization, the baseline the
     * step reports next to its own result.
     */
    private static final int BASELINE_CALIBRATION_SAMPLES = 256;
    private static final int CALIBRATION_BATCH = 32;
    private static final int COMPARISON_BATCH = 64;

    @Override
    public String method() {
        return "qat";
    }

    @Override
    public String description() {
        return "Quantization-aware training: fine-tunes the model on a labelled dataset with int8 fake quantization"
                + " (per-channel symmetric weights, uint8 activations with ranges tracked during training,"
                + " straight-through gradients) of exactly what static quantization quantizes, batch norms folded"
                + " first, then exports a real int8 QDQ model with the scales it was trained with. Also runs"
                + " post-training static quantization and reports both accuracies on the dataset (ptqTop1,"
                + " qatTop1). Takes the training parameters of finetune; a small learning rate suits it.";
    }

    @Override
    public List<ParameterDefinition> parameters() {
        List<ParameterDefinition> parameters = new ArrayList<>(TrainingArguments.parameters(
                "The labelled samples the model is trained on; also the data both quantized models are measured"
                        + " on.", 3, 0.001));
        parameters.add(ParameterDefinition.choice("activationType", List.of("uint8", "int8"), "uint8",
                "Quantized activations."));
        parameters.add(ParameterDefinition.flag("perChannel", true,
                "One weight scale per output channel (opset 13) instead of one per weight tensor."));
        return parameters;
    }

    @Override
    public PipelineStep create(StepArguments arguments, StepContext context) {
        StaticQuantizationOptions options = options(arguments);
        NumpyDataset dataset = context.datasets().get(arguments.dataset("datasetId"));
        return (model, monitor) -> {
            QuantizationAwareTraining.Prepared prepared = QuantizationAwareTraining.prepare(model, options,
                    context.runtime(), calibration(model, dataset), monitor.slice(0, 0.02));
            ClassifierTraining.TrainedGraph trained = ClassifierTraining.train(prepared.model(),
                    prepared.fakeQuantization().options(), arguments, context, monitor.slice(0.02, 0.8));
            StaticQuantizedModel qat = QuantizationAwareTraining.export(trained.model(), prepared, context.runtime(),
                    calibration(prepared.model(), dataset), monitor.slice(0.8, 0.85));
            StaticQuantizedModel ptq = new StaticQuantizer(context.runtime()).quantize(model, options,
                    calibration(model, dataset), monitor.slice(0.85, 0.9));
            ComparisonReport comparison = compare(ptq.model(), qat.model(), context, arguments, monitor.slice(0.9, 1));
            double ptqTop1 = comparison.original().accuracy().top1();
            double qatTop1 = comparison.candidate().accuracy().top1();
            context.events().info(String.format(Locale.ROOT, "on the dataset: quantization-aware training %.4f top-1,"
                    + " post-training static quantization %.4f", qatTop1, ptqTop1));
            List<StepCounter> counters = new ArrayList<>(ClassifierTraining.counters(trained.outcome()));
            // Batch norms were folded before training, not by the export.
            StaticQuantizationStep.counters(qat.report()).stream()
                    .filter(counter -> !counter.name().equals("foldedBatchNorms")).forEach(counters::add);
            counters.add(StepCounter.count("foldedBatchNorms", prepared.foldedBatchNorms()));
            counters.add(StepCounter.ratio("qatTop1", qatTop1));
            counters.add(StepCounter.ratio("ptqTop1", ptqTop1));
            counters.add(StepCounter.count("rangesFromTraining",
                    prepared.fakeQuantization().observedRanges().size()));
            return new PipelineStep.Outcome(qat.model(), counters);
        };
    }

    @Override
    public Optional<String> whyNotApplicable(StepArguments arguments, ModelProto model, JobDatasets datasets) {
        return StaticQuantizationPlan.whyNotApplicable(model, options(arguments))
                .or(() -> TrainingArguments.whyNotTrainable(arguments, model, datasets))
                .or(() -> ClassifierTraining.whyNotTrainable(model));
    }

    private static StaticQuantizationOptions options(StepArguments arguments) {
        return new StaticQuantizationOptions(
                ActivationType.valueOf(arguments.string("activationType").toUpperCase(Locale.ROOT)),
                arguments.flag("perChannel"), CalibrationOptions.of(CalibrationMethod.MIN_MAX), true);
    }

    private static Iterable<List<HostTensor>> calibration(ModelProto model, NumpyDataset dataset) {
        DatasetFeed feed = DatasetFeed.of(model, dataset);
        return feed.inputs(CALIBRATION_BATCH, Math.min(BASELINE_CALIBRATION_SAMPLES, feed.sampleCount()));
    }

    /** Both quantized models on every sample of the dataset: post-training as the reference, QAT as the candidate. */
    private static ComparisonReport compare(ModelProto ptq, ModelProto qat, StepContext context,
                                            StepArguments arguments, TaskMonitor monitor) throws IOException {
        Path directory = Files.createTempDirectory("condenser-qat-");
        try {
            Path ptqFile = directory.resolve("ptq.onnx");
            Path qatFile = directory.resolve("qat.onnx");
            OnnxModelFiles.write(ptq, ptqFile);
            OnnxModelFiles.write(qat, qatFile);
            EvaluationSettings settings = new EvaluationSettings(EvaluationSettings.ALL_SAMPLES, COMPARISON_BATCH, 1,
                    0, Map.of(), 1).withDataset(context.datasets().path(arguments.dataset("datasetId")),
                    arguments.string("output"));
            return new ModelComparison(context.runtime()).compare(ptqFile, qatFile, settings, monitor);
        } finally {
            LocalFolders.deleteRecursively(directory);
        }
    }
}
