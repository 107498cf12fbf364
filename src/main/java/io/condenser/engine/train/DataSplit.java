package io.condenser.engine.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which samples train and which validate, and the order of the training samples in each epoch. Everything follows from
 * the seed: the split is the same for every run with that seed, and epoch e's order depends only on the seed and e, so
 * a run resumed at epoch e shuffles exactly as the uninterrupted run would have.
 *
 * @param train      indices of the training samples, ascending
 * @param validation indices of the held-out samples, ascending; empty without validation
 */
record DataSplit(int[] train, int[] validation, long seed) {

    /** A constant apart from the epoch streams, so the split does not reuse any epoch's random sequence. */
    private static final long SPLIT_STREAM = 0x5DEECE66DL;

    static DataSplit of(int samples, double validationFraction, long seed) {
        int held = validationFraction == 0 ? 0 : (int) Math.max(1, Math.round(samples * validationFraction));
        if (samples - held < 1) {
            throw new IllegalArgumentException("holding out " + held + " of " + samples + " samples for validation"
                    + " leaves none to train on");
        }
        int[] order = permutation(samples, new SplittableRandom(seed ^ SPLIT_STREAM));
        int[] validation = Arrays.copyOfRange(order, 0, held);
        int[] train = Arrays.copyOfRange(order, held, samples);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new DataSplit(train, validation, seed);
    }

    /** The training samples in the order epoch {@code epoch} (1-based) visits them. */
    int[] epochOrder(int epoch) {
        SplittableRandom random = new SplittableRandom(seed + epoch * 0x9E3779B97F4A7C15L);
        int[] order = train.clone();
        shuffle(order, random);
        return order;
    }

    private static int[] permutation(int size, SplittableRandom random) {
        int[] order = new int[size];
        Arrays.setAll(order, i -> i);
        shuffle(order, random);
        return order;
    }

    /** Fisher-Yates. */
    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
