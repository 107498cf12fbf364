package io.condenser.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.condenser.engine.UnsupportedModelException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AccuracyAccumulatorTest {

    @Test
    void countsTopOneAndTopFiveAndTiesAgainstTheLabel() {
        AccuracyAccumulator accuracy = new AccuracyAccumulator();
        float[] scores = new float[3 * 7];
        scores[3] = 5;                                  // sample 0: label 3 highest
        scores[7 + 1] = 1;
        scores[7 + 2] = 2;                              // sample 1: label 1 second
        Arrays.fill(scores, 14, 21, 0.5f);    // sample 2: all tied, never a hit
        accuracy.add(tensor(scores, 3, 7), new long[] {3, 1, 6}, 3);

        AccuracyReport report = accuracy.report();
        assertThat(report.samples()).isEqualTo(3);
        assertThat(report.top1()).isEqualTo(1.0 / 3);
        assertThat(report.top5()).isEqualTo(2.0 / 3);
    }

    @Test
    void notANumberIsNeverAHit() {
        AccuracyAccumulator accuracy = new AccuracyAccumulator();
        float[] scores = new float[2 * 7];
        Arrays.fill(scores, Float.NaN);
        accuracy.add(tensor(scores, 2, 7), new long[] {0, 4}, 2);
        assertThat(accuracy.report().top1()).isZero();
        assertThat(accuracy.report().top5()).isZero();
    }

    @Test
    void anOutputWithoutARowPerSampleIsRefused() {
        assertThatThrownBy(() -> new AccuracyAccumulator().add(tensor(new float[10], 1, 10), new long[] {0, 1}, 2))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("evaluation.output");
    }

    private static HostTensor tensor(float[] values, long rows, long columns) {
        return new HostTensor("scores", HostTensor.ElementType.FLOAT32, new long[] {rows, columns}, values);
    }
}
