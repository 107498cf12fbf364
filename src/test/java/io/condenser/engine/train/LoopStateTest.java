package io.condenser.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoopStateTest {

    private static final TrainingOptions OPTIONS = TrainingOptions.defaults().withBatchSize(10);
    private static final DataSplit SPLIT = DataSplit.of(100, 0.2, OPTIONS.seed());

    @Test
    void countsEpochsWithoutAHigherValidationAccuracyAndRemembersTheBest() {
        LoopState state = LoopState.start(OPTIONS, SPLIT)
                .afterEpoch(8, 0.6, 1.0)
                .afterEpoch(8, 0.8, 0.7)
                .afterEpoch(8, 0.8, 0.5)
                .afterEpoch(8, 0.7, 0.9);

        assertThat(state.completedEpochs()).isEqualTo(4);
        assertThat(state.steps()).isEqualTo(32);
        assertThat(state.bestEpoch()).isEqualTo(2);
        assertThat(state.bestValidationAccuracy()).isEqualTo(0.8);
        assertThat(state.bestValidationLoss()).isEqualTo(0.7);
        assertThat(state.epochsWithoutImprovement()).isEqualTo(2);
        assertThat(state.afterEpoch(8, 0.9, 1.2).epochsWithoutImprovement()).isZero();
    }

    @Test
    void measuredStartingWeightsAreEpoch0AndWinTies() {
        LoopState state = LoopState.start(OPTIONS, SPLIT).withStartingValidation(0.9, 0.5)
                .afterEpoch(8, 0.8, 0.6)
                .afterEpoch(8, 0.9, 0.1);

        assertThat(state.bestEpoch()).isZero();
        assertThat(state.bestValidationAccuracy()).isEqualTo(0.9);
        assertThat(state.bestValidationLoss()).isEqualTo(0.5);
        assertThat(state.epochsWithoutImprovement()).isEqualTo(2);
        assertThat(state.afterEpoch(8, 0.95, 0.4).bestEpoch()).isEqualTo(3);
    }

    @Test
    void keepingTheBestWeightsNeedsAValidationSplit() {
        assertThat(ValidationSettings.holdOut(0.1).withPatience(2).keepingBestWeights())
                .isEqualTo(new ValidationSettings(0.1, 2, true));
        assertThatThrownBy(() -> ValidationSettings.none().keepingBestWeights())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validation fraction above 0");
    }

    @Test
    void withoutValidationThereIsNoBestEpoch() {
        LoopState state = LoopState.start(OPTIONS, SPLIT).afterEpoch(8, Double.NaN, Double.NaN);

        assertThat(state.bestEpoch()).isZero();
        assertThat(state.bestValidationAccuracy()).isNaN();
        assertThat(state.bestValidationLoss()).isNaN();
    }

    @Test
    void aStateResumesOnlyARunThatSplitsAndShufflesTheSameWay() {
        LoopState state = LoopState.start(OPTIONS, SPLIT).afterEpoch(8, 0.5, 1.0);

        state.checkResumableWith(OPTIONS.withEpochs(9), SPLIT);
        assertThatThrownBy(() -> state.checkResumableWith(OPTIONS.withBatchSize(20), SPLIT))
                .isInstanceOf(IncompatibleCheckpointException.class).hasMessageContaining("batches of 10");
        assertThatThrownBy(() -> state.checkResumableWith(OPTIONS.withSeed(7), DataSplit.of(100, 0.2, 7)))
                .isInstanceOf(IncompatibleCheckpointException.class).hasMessageContaining("seed 42");
        assertThatThrownBy(() -> state.checkResumableWith(OPTIONS, DataSplit.of(100, 0.3, OPTIONS.seed())))
                .isInstanceOf(IncompatibleCheckpointException.class);
    }
}
