package io.condenser.testing;

import io.condenser.engine.train.TrainingData;
import java.util.SplittableRandom;

/** Small labelled problems for training tests, generated from a seed. */
public final class TrainingTestData {

    private TrainingTestData() {
    }

    /**
     * Gaussian clusters, one per class, around centres three standard deviations apart on average: a linear classifier
     * separates them almost perfectly, an untrained one does not. Samples are interleaved by class.
     */
    public static TrainingData blobs(int classes, int features, int perClass, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[classes][features];
        for (float[] centre : centres) {
            for (int f = 0; f < features; f++) {
                centre[f] = (float) (random.nextGaussian() * 3);
            }
        }
        int count = classes * perClass;
        float[] x = new float[count * features];
        long[] y = new long[count];
        for (int i = 0; i < count; i++) {
            int label = i % classes;
            y[i] = label;
            for (int f = 0; f < features; f++) {
                x[i * features + f] = centres[label][f] + (float) random.nextGaussian();
            }
        }
        return TrainingData.of(x, y);
    }

    /** Random samples with random labels: nothing to learn, only to memorize. */
    public static TrainingData noise(int count, int features, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[count * features];
        long[] y = new long[count];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < count; i++) {
            y[i] = random.nextInt(classes);
        }
        return TrainingData.of(x, y);
    }
}
