package io.condenser.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.condenser.testing.TestModels;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticInputsTest {

    @Test
    void indicesStayInsideTheTableTheyIndex() {
        SyntheticInputs inputs = SyntheticInputs.of(TestModels.embedding(13, 4, 2, 1));

        List<HostTensor> batch = inputs.batch(3, Map.of(), 5);

        HostTensor ids = batch.getFirst();
        assertThat(ids.shape()).containsExactly(3, SyntheticInputs.DEFAULT_DIMENSION);
        assertThat(Arrays.stream((long[]) ids.data()).allMatch(v -> v >= 0 && v < 13)).isTrue();
        assertThat(Arrays.stream((long[]) ids.data()).distinct().count()).isGreaterThan(5);
    }

    @Test
    void theSameSeedGivesTheSameBatchAndTheBatchDimensionFollowsTheRequest() {
        SyntheticInputs inputs = SyntheticInputs.of(TestModels.mlp(10, 4, 2, 1));

        HostTensor first = inputs.batch(5, Map.of(), 9).getFirst();
        HostTensor again = inputs.batch(5, Map.of(), 9).getFirst();

        assertThat(first.shape()).containsExactly(5, 10);
        assertThat((float[]) first.data()).containsExactly((float[]) again.data());
        assertThat(inputs.fixedBatchSize()).isEmpty();
    }
}
