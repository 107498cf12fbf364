package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class LinearQuantizerTest {

    @Test
    void symmetricInt8PerChannelMapsEachColumnsLargestMagnitudeTo127() {
        // B is 2x3 (K=2 rows, N=3 output columns), row-major.
        float[] b = {0.5f, -2.0f, 0.0f,
                     -1.0f, 1.0f, 0.0f};
        QuantizedTensor q = LinearQuantizer.quantizeMatrix(FloatBuffer.wrap(b), 2, 3, false, WeightType.INT8, true);

        assertThat(q.scales()).containsExactly(1.0f / 127, 2.0f / 127, 1.0f);
        assertThat(q.zeroPointsAllZero()).isTrue();
        assertThat(q.values()).containsExactly(64, -127, 0, -127, 64, 0);
    }

    @Test
    void transposedSourceIsWrittenInProductLayout() {
        // Gemm transB=1 stores Bᵀ as [N][K] = 3x2; the result must equal quantizing B [K][N] = 2x3.
        float[] bt = {0.5f, -1.0f,
                      -2.0f, 1.0f,
                      0.0f, 0.0f};
        QuantizedTensor q = LinearQuantizer.quantizeMatrix(FloatBuffer.wrap(bt), 2, 3, true, WeightType.INT8, true);

        assertThat(q.values()).containsExactly(64, -127, 0, -127, 64, 0);
        assertThat(q.scales()).containsExactly(1.0f / 127, 2.0f / 127, 1.0f);
    }

    @Test
    void asymmetricUint8KeepsZeroExactAndCoversTheRange() {
        float[] values = {-1.0f, 0.0f, 3.0f};
        QuantizedTensor q = LinearQuantizer.quantizeTensor(FloatBuffer.wrap(values), WeightType.UINT8);

        float scale = q.scales()[0];
        int zeroPoint = q.zeroPoints()[0] & 0xFF;
        assertThat(scale).isCloseTo(4.0f / 255, within(1e-7f));
        assertThat(zeroPoint).isEqualTo(64);
        assertThat(q.values()[0] & 0xFF).isEqualTo(0);
        assertThat(q.values()[1] & 0xFF).isEqualTo(zeroPoint);
        assertThat(q.values()[2] & 0xFF).isEqualTo(255);
    }

    @Test
    void roundTripErrorIsAtMostHalfAStep() {
        float[] values = new float[1000];
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        QuantizedTensor q = LinearQuantizer.quantizeMatrix(FloatBuffer.wrap(values), 100, 10, false,
                WeightType.INT8, true);
        for (int i = 0; i < values.length; i++) {
            float scale = q.scales()[i % 10];
            assertThat(q.values()[i] * scale).isCloseTo(values[i], within(scale / 2 + 1e-6f));
        }
    }

    @Test
    void allZeroChannelGetsAUsableScale() {
        QuantizedTensor q = LinearQuantizer.quantizeMatrix(FloatBuffer.wrap(new float[4]), 2, 2, false,
                WeightType.INT8, true);
        assertThat(q.scales()).containsExactly(1.0f, 1.0f);
        assertThat(q.values()).containsOnly(0);
    }

    @Test
    void channelsAlongAnAxisKeepTheTensorsLayout() {
        // A [2][1][3] tensor (e.g. a Conv weight with 2 output channels): one scale per index of axis 0.
        float[] w = {1.0f, -0.5f, 0.25f,
                     0.0f, 4.0f, -2.0f};
        QuantizedTensor q = LinearQuantizer.quantizeChannels(FloatBuffer.wrap(w),
                ChannelLayout.along(new long[] {2, 1, 3}, 0), WeightType.INT8, false);

        assertThat(q.scales()).containsExactly(1.0f / 127, 4.0f / 127);
        assertThat(q.values()).containsExactly(127, -64, 32, 0, 127, -64);
    }

    @Test
    void channelsAlongTheLastAxisAreColumns() {
        float[] b = {0.5f, -2.0f, 0.0f,
                     -1.0f, 1.0f, 0.0f};
        QuantizedTensor q = LinearQuantizer.quantizeChannels(FloatBuffer.wrap(b),
                ChannelLayout.along(new long[] {2, 3}, 1), WeightType.INT8, false);
        assertThat(q.scales()).containsExactly(1.0f / 127, 2.0f / 127, 1.0f);
        assertThat(q.values()).containsExactly(64, -127, 0, -127, 64, 0);
    }

    @Test
    void reducedRangeUsesSevenBits() {
        float[] values = {-1.0f, 0.5f, 1.0f};
        QuantizedTensor q = LinearQuantizer.quantizeChannels(FloatBuffer.wrap(values), ChannelLayout.WHOLE_TENSOR,
                WeightType.INT8, true);
        assertThat(q.scales()).containsExactly(1.0f / 64);
        assertThat(q.values()).containsExactly(-64, 32, 64);

        QuantizedTensor unsigned = LinearQuantizer.quantizeChannels(FloatBuffer.wrap(values),
                ChannelLayout.WHOLE_TENSOR, WeightType.UINT8, true);
        assertThat(unsigned.values()[0] & 0xFF).isZero();
        assertThat(unsigned.values()[2] & 0xFF).isEqualTo(127);
    }
}
