package io.condenser.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataSplitTest {

    @Test
    void holdsOutTheFractionAsDisjointSeededSamples() {
        DataSplit split = DataSplit.of(100, 0.25, 42);

        assertThat(split.validation()).hasSize(25);
        assertThat(split.train()).hasSize(75);
        assertThat(IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation())).sorted())
                .containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
        assertThat(split.validation()).isNotEqualTo(IntStream.range(0, 25).toArray());
        assertThat(DataSplit.of(100, 0.25, 42).validation()).isEqualTo(split.validation());
        assertThat(DataSplit.of(100, 0.25, 43).validation()).isNotEqualTo(split.validation());
    }

    @Test
    void eachEpochShufflesTheTrainingSamplesItsOwnWayAndAgainTheSameWay() {
        DataSplit split = DataSplit.of(50, 0, 42);

        int[] first = split.epochOrder(1);
        assertThat(first).containsExactlyInAnyOrder(split.train()).isNotEqualTo(split.train());
        assertThat(split.epochOrder(2)).isNotEqualTo(first);
        assertThat(DataSplit.of(50, 0, 42).epochOrder(1)).isEqualTo(first);
    }

    @Test
    void aSmallFractionHoldsOutAtLeastOneSampleAndNeverAllOfThem() {
        assertThat(DataSplit.of(10, 0.01, 1).validation()).hasSize(1);
        assertThatThrownBy(() -> DataSplit.of(1, 0.5, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaves none to train on");
    }
}
