package io.condenser.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import io.condenser.engine.eval.DjlSettings;

/** Networks built from DJL's own blocks on the PyTorch engine, initialized from a seed. */
public final class DjlTestNetworks {

    private DjlTestNetworks() {
    }

    /**
     * Flatten, Linear, ReLU, Linear: the shape of LeNet-300-100. Weights ~ N(0, 0.1²) from the engine's generator
     * seeded with {@code seed}, biases zero; the parameters live in {@code manager}, a PyTorch engine's manager.
     *
     * @param sampleShape one sample's shape; flattened to its element count
     */
    public static Block mlp(Shape sampleShape, int hidden, int classes, int seed, NDManager manager) {
        SequentialBlock block = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
        block.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
        block.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        DjlSettings.apply();
        Engine.getEngine("PyTorch").setRandomSeed(seed);
        long[] inputShape = new long[sampleShape.dimension() + 1];
        inputShape[0] = 1;
        System.arraycopy(sampleShape.getShape(), 0, inputShape, 1, sampleShape.dimension());
        block.initialize(manager, DataType.FLOAT32, new Shape(inputShape));
        return block;
    }
}
