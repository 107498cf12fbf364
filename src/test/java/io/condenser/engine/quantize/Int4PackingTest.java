package io.condenser.engine.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Int4PackingTest {

    @Test
    void theFirstElementGoesToTheLowNibbleAndAnOddCountLeavesTheLastHighNibbleZero() {
        byte[] packed = Int4Packing.pack(new byte[] {1, 2, 3});
        assertThat(packed).containsExactly(0x21, 0x03);
    }

    @Test
    void negativeValuesAreStoredInTwosComplementNibbles() {
        byte[] packed = Int4Packing.pack(new byte[] {-1, -8, 7});
        assertThat(packed).containsExactly((byte) 0x8F, 0x07);
        assertThat(Int4Packing.unpack(packed, 3, true)).containsExactly(-1, -8, 7);
        assertThat(Int4Packing.unpack(packed, 3, false)).containsExactly(15, 8, 7);
    }

    @Test
    void signedAndUnsignedValuesRoundTripForOddAndEvenCounts() {
        SplittableRandom random = new SplittableRandom(3);
        for (int count : new int[] {1, 2, 7, 8, 101}) {
            byte[] signed = new byte[count];
            byte[] unsigned = new byte[count];
            for (int i = 0; i < count; i++) {
                signed[i] = (byte) random.nextInt(-8, 8);
                unsigned[i] = (byte) random.nextInt(0, 16);
            }
            assertThat(Int4Packing.pack(signed)).hasSize((count + 1) / 2);
            assertThat(Int4Packing.unpack(Int4Packing.pack(signed), count, true)).containsExactly(signed);
            assertThat(Int4Packing.unpack(Int4Packing.pack(unsigned), count, false)).containsExactly(unsigned);
        }
    }

    @Test
    void aBufferOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> Int4Packing.unpack(new byte[2], 5, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
