package io.condenser.engine.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.condenser.engine.TaskMonitor;
import io.condenser.engine.graph.GraphBlockOptions;
import io.condenser.engine.graph.OnnxGraphBlock;
import java.io.IOException;

/**
 * Trains the weights of an ONNX model: its graph executed as an {@link OnnxGraphBlock} on the PyTorch engine, then
 * the trained values written back into the same initializers, so the result is the user's model with new weights.
 */
public final class GraphTraining {

    private GraphTraining() {
    }

    /** The model with its trained weights, and how the training went. */
    public record Trained(ModelProto model, TrainingResult result) {
    }

    /**
     * @param hooks       what the executed graph does besides the model's own operators (fake quantization for QAT)
     * @param options     the options the loop was made with, for the device its parameters must live on
     * @param sampleShape the model input's shape for one sample, without the batch dimension
     * @throws io.condenser.engine.UnsupportedModelException when an operator cannot be executed (before any work)
     */
    public static Trained train(ModelProto model, GraphBlockOptions hooks, TrainingLoop loop, TrainingOptions options,
                                Shape sampleShape, TrainingData data, TaskMonitor monitor) throws IOException {
        try (NDManager manager = OnnxGraphBlock.engine().newBaseManager(TrainingEngine.device(options.device()))) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, manager, hooks);
            TrainingResult result = loop.train(block, sampleShape, data, monitor);
            return new Trained(block.writeBack(), result);
        }
    }
}
