package io.condenser.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateCurveTest {

    private static final int STEPS_PER_EPOCH = 3;
    private static final int TOTAL_STEPS = 4 * STEPS_PER_EPOCH;

    @Test
    void aConstantScheduleKeepsTheBaseRate() {
        LearningRateCurve curve = curve(LearningRateSchedule.constant(), 0);

        assertThat(curve.rateAt(0)).isEqualTo(0.1);
        assertThat(curve.rateAt(TOTAL_STEPS - 1)).isEqualTo(0.1);
    }

    @Test
    void aStepScheduleMultipliesByGammaAfterEveryNEpochs() {
        LearningRateCurve curve = curve(LearningRateSchedule.step(2, 0.5), 0);

        // epochs 1-2 (steps 0-5) at 0.1, epochs 3-4 (steps 6-11) at 0.05
        assertThat(curve.rateAt(0)).isEqualTo(0.1);
        assertThat(curve.rateAt(5)).isEqualTo(0.1);
        assertThat(curve.rateAt(6)).isCloseTo(0.05, within(1e-12));
        assertThat(curve.rateAt(11)).isCloseTo(0.05, within(1e-12));
        assertThat(curve.rateAt(12)).isCloseTo(0.025, within(1e-12));
    }

    @Test
    void aCosineScheduleFallsFromTheBaseRateToZeroOverAllSteps() {
        LearningRateCurve curve = curve(LearningRateSchedule.cosine(), 0);

        assertThat(curve.rateAt(0)).isCloseTo(0.1, within(1e-12));
        assertThat(curve.rateAt(TOTAL_STEPS / 2)).isCloseTo(0.05, within(1e-12));
        assertThat(curve.rateAt(TOTAL_STEPS)).isCloseTo(0, within(1e-12));
        for (int step = 1; step < TOTAL_STEPS; step++) {
            assertThat(curve.rateAt(step)).isLessThan(curve.rateAt(step - 1));
        }
    }

    @Test
    void warmupRampsLinearlyThenTheCosineSpansTheRemainingSteps() {
        LearningRateCurve curve = curve(LearningRateSchedule.cosine().withWarmup(4), 0);

        assertThat(curve.rateAt(0)).isCloseTo(0.025, within(1e-12));
        assertThat(curve.rateAt(1)).isCloseTo(0.05, within(1e-12));
        assertThat(curve.rateAt(3)).isCloseTo(0.1, within(1e-12));
        assertThat(curve.rateAt(4)).isCloseTo(0.1, within(1e-12));
        // 8 steps of cosine after the warm-up: half way at step 4 + 4
        assertThat(curve.rateAt(8)).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void djlsOneBasedUpdateCountIsShiftedByTheStepsBeforeAResume() {
        LearningRateCurve fresh = curve(LearningRateSchedule.step(1, 0.5), 0);
        LearningRateCurve resumed = curve(LearningRateSchedule.step(1, 0.5), 2 * STEPS_PER_EPOCH);

        assertThat(fresh.getNewValue(1)).isEqualTo(0.1f);
        assertThat(resumed.getNewValue(1)).isEqualTo((float) fresh.rateAt(2 * STEPS_PER_EPOCH)).isEqualTo(0.025f);
    }

    private static LearningRateCurve curve(LearningRateSchedule schedule, long stepsBefore) {
        return new LearningRateCurve(0.1, schedule, STEPS_PER_EPOCH, TOTAL_STEPS, stepsBefore);
    }
}
