package io.condenser.engine.train;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.eval.HostTensor;
import io.condenser.engine.eval.RuntimeSettings;
import io.condenser.engine.graph.FakeQuantization;
import io.condenser.engine.quantize.BatchNormFolder;
import io.condenser.engine.quantize.BatchNormFolding;
import io.condenser.engine.quantize.StaticQuantizationOptions;
import io.condenser.engine.quantize.StaticQuantizedModel;
import io.condenser.engine.quantize.StaticQuantizer;
import java.io.IOException;
import java.util.List;

/**
 * Quantization-aware training in two halves around a training run: {@link #prepare} gives the model to train (batch
 * norms folded, as static quantization does) and the fake quantization its executed graph applies to exactly the
 * weights and activations static quantization will quantize; {@link #export} turns the trained model into a real int8
 * QDQ model with the activation ranges observed during training.
 */
public final class QuantizationAwareTraining {

    private QuantizationAwareTraining() {
    }

    /** The model to train and the fake quantization to train it with. */
    public record Prepared(ModelProto model, FakeQuantization fakeQuantization, StaticQuantizationOptions options,
                           int foldedBatchNorms) {
    }

    public static Prepared prepare(ModelProto model, StaticQuantizationOptions options) {
        BatchNormFolding folding = options.foldBatchNorm() ? new BatchNormFolder().fold(model)
                : new BatchNormFolding(model, 0, List.of());
        return new Prepared(folding.model(), FakeQuantization.like(folding.model(), options), options,
                folding.folded());
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
