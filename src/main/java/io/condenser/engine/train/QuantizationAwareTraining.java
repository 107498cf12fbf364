package io.condenser.engine.train;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.graph.FakeQuantization;
import io.condenser.engine.quantize.BatchNormFolder;
import io.condenser.engine.quantize.BatchNormFolding;
import io.condenser.engine.quantize.Calibrator;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.StaticQuantizedModel;
import io.condenser.engine.quantize.StaticQuantizer;
import java.io.IOException;
import java.util.List;

/**
 * Quantization-aware training in two halves around a training run: {@link #prepare} gives the model to train (batch
 * norms folded, as static quantization does) and the fake quantization its executed graph applies to exactly the
 * weights and activations static quantization will quantize, its activation ranges calibrated as static quantization
 * calibrates them; {@link #export} turns the trained model into a real int8
 * QDQ model with the activation ranges observed during training.
 */
public final class QuantizationAwareTraining {

    private QuantizationAwareTraining() {
    }

    /** The model to train and the fake quantization to train it with. */
    public record Prepared(ModelProto model, FakeQuantization fakeQuantization, StaticQuantizationOptions options,
                           int foldedBatchNorms) {
    }

    /**
     * Folds the batch norms and calibrates the activation ranges on the folded model as post-training static
     * quantization does, and starts the fake quantization from them: before any training the model computes what the
     * post-training quantized model computes, so the starting weights a run keeping its best weights measures are
     * measured quantized, like every epoch after them.
     *
     * @param calibration model inputs, one list per batch (the training data's first samples)
     */
    public static Prepared prepare(ModelProto model, StaticQuantizationOptions options, RuntimeSettings runtime,
                                   Iterable<List<HostTensor>> calibration, TaskMonitor monitor) throws IOException {
        BatchNormFolding folding = options.foldBatchNorm() ? new BatchNormFolder().fold(model)
                : new BatchNormFolding(model, 0, List.of());
        FakeQuantization fakeQuantization = FakeQuantization.like(folding.model(), options);
        if (!fakeQuantization.activations().isEmpty()) {
            fakeQuantization.startFrom(new Calibrator(runtime).calibrate(folding.model(),
                    fakeQuantization.activations(), calibration, options.calibration(), monitor));
        }
        return new Prepared(folding.model(), fakeQuantization, options, folding.folded());
    }

    /**
     * @param trained     the prepared model with its trained weights
     * @param calibration inputs for activations no training batch observed (a run resumed after its last epoch)
     */
    public static StaticQuantizedModel export(ModelProto trained, Prepared prepared, RuntimeSettings runtime,
                                              Iterable<List<HostTensor>> calibration, TaskMonitor monitor)
            throws IOException {
        return new StaticQuantizer(runtime).quantizeWithRanges(trained, prepared.options(),
                prepared.fakeQuantization().observedRanges(), calibration, monitor);
    }
}
