package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class RangeCollectorsTest {

    private static final int BATCHES = 20;
    private static final int BATCH = 50_000;
    private static final float OUTLIER = 1000f;

    @Test
    void percentileAndEntropyClipAnOutlierThatMinMaxKeeps() {
        SplittableRandom random = new SplittableRandom(1);
        float[][] batches = batches(random::nextGaussian);
        batches[7][123] = OUTLIER;

        TensorRange minMax = collect(new MinMaxCollector(), batches);
        TensorRange percentile = collect(new PercentileCollector(minMax, 2048, 99.999), batches);
        TensorRange entropy = collect(new EntropyCollector(minMax, 2048), batches);

        assertThat(minMax.max()).isEqualTo(OUTLIER);
        assertThat(minMax.min()).isLessThan(-4f);
        // A million standard normal values: 99.999 % of them lie within ±4.4.
        assertThat(percentile.max()).isBetween(3.5f, 6f);
        assertThat(percentile.min()).isBetween(-6f, -3.5f);
        // The entropy search cannot go below 128 of the 2048 bins over [0, 1000]: it clips at 62.5, not at 4.
        assertThat(entropy.max()).isBetween(2f, OUTLIER * 128 / 2048);
        // [-62.5, 62.5] cut to the values seen.
        assertThat(entropy.min()).isEqualTo(minMax.min());
    }

    @Test
    void percentileOfNonNegativeValuesKeepsZeroAndCutsOnlyTheTop() {
        float[][] batches = batches(new SplittableRandom(2)::nextDouble);
        TensorRange observed = collect(new MinMaxCollector(), batches);

        TensorRange range = collect(new PercentileCollector(observed, 2048, 99.0), batches);

        assertThat(range.min()).isEqualTo(observed.min());
        assertThat(range.max()).isCloseTo(0.99f, within(0.002f));
    }

    @Test
    void percentileOfSignedValuesCutsHalfTheRestAtEachEnd() {
        SplittableRandom random = new SplittableRandom(3);
        float[][] batches = batches(() -> random.nextDouble(-1, 1));
        TensorRange observed = collect(new MinMaxCollector(), batches);

        TensorRange range = collect(new PercentileCollector(observed, 2048, 99.0), batches);

        assertThat(range.min()).isCloseTo(-0.99f, within(0.002f));
        assertThat(range.max()).isCloseTo(0.99f, within(0.002f));
    }

    @Test
    void entropyOfReluOutputsIsNotDraggedDownByTheZeros() {
        SplittableRandom random = new SplittableRandom(4);
        float[][] batches = batches(() -> Math.max(0, random.nextGaussian()));
        TensorRange observed = collect(new MinMaxCollector(), batches);

        TensorRange range = collect(new EntropyCollector(observed, 2048), batches);

        assertThat(range.min()).isZero();
        // Half of the values are exactly 0; the threshold is chosen on the others, well inside the normal tail.
        assertThat(range.max()).isBetween(2.5f, observed.max());
    }

    @Test
    void theRangeDoesNotDependOnHowValuesAreSplitIntoBatches() {
        float[][] batches = batches(new SplittableRandom(5)::nextGaussian);
        float[] all = new float[BATCHES * BATCH];
        for (int b = 0; b < BATCHES; b++) {
            System.arraycopy(batches[b], 0, all, b * BATCH, BATCH);
        }
        TensorRange observed = collect(new MinMaxCollector(), batches);

        assertThat(collect(new EntropyCollector(observed, 1024), new float[][] {all}))
                .isEqualTo(collect(new EntropyCollector(observed, 1024), batches));
        assertThat(collect(new PercentileCollector(observed, 1024, 99.9), new float[][] {all}))
                .isEqualTo(collect(new PercentileCollector(observed, 1024, 99.9), batches));
    }

    @Test
    void nonFiniteValuesAreIgnoredAndNoValuesGiveTheZeroRange() {
        assertThat(collect(new MinMaxCollector(), new float[][] {{Float.NaN, 1f, Float.NEGATIVE_INFINITY, -2f}}))
                .isEqualTo(new TensorRange(-2f, 1f));
        assertThat(new MinMaxCollector().range()).isEqualTo(new TensorRange(0, 0));
    }

    private static float[][] batches(DoubleSupplier values) {
        float[][] batches = new float[BATCHES][BATCH];
        for (float[] batch : batches) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (float) values.getAsDouble();
            }
        }
        return batches;
    }

    private static TensorRange collect(RangeCollector collector, float[][] batches) {
        for (float[] batch : batches) {
            collector.add(batch);
        }
        return collector.range();
    }
}
