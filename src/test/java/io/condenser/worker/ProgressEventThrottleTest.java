package io.condenser.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressEventThrottleTest {

    private static final long MS = 1_000_000L;

    private final ProgressEventThrottle throttle = new ProgressEventThrottle();

    @Test
    void theFirstReportAndEachMoveOfOnePercentPointAreRecorded() {
        assertThat(throttle.shouldRecord(0.0, "start", 0)).isTrue();
        assertThat(throttle.shouldRecord(0.005, "start", 10 * MS)).isFalse();
        assertThat(throttle.shouldRecord(0.012, "start", 20 * MS)).isTrue();
        assertThat(throttle.shouldRecord(0.02, "start", 30 * MS)).isFalse();
        assertThat(throttle.shouldRecord(0.025, "start", 40 * MS)).isTrue();
    }

    @Test
    void smallerChangesAreRecordedOnceASecond() {
        assertThat(throttle.shouldRecord(0.5, "batch 1", 0)).isTrue();
        assertThat(throttle.shouldRecord(0.501, "batch 2", 999 * MS)).isFalse();
        assertThat(throttle.shouldRecord(0.502, "batch 3", 1000 * MS)).isTrue();
        assertThat(throttle.shouldRecord(0.502, "batch 3", 5000 * MS)).as("nothing new").isFalse();
        assertThat(throttle.shouldRecord(0.502, "batch 4", 5000 * MS)).as("a new message").isTrue();
    }

    @Test
    void aThousandReportsASecondBecomeAtMostAboutOneHundredAndOneEvents() {
        int recorded = 0;
        for (int i = 0; i <= 1000; i++) {
            if (throttle.shouldRecord(i / 1000.0, "working", i * MS)) {
                recorded++;
            }
        }
        assertThat(recorded).isBetween(90, 102);
    }
}
