package io.condenser.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.util.Map;

/**
 * Runs another optimizer's update, then multiplies the weight by its 0/1 mask, so masked entries are exactly zero after
 * every step. A training listener cannot do this: {@code onTrainingBatch} fires before {@code step()}, so its mask
 * would lag one update behind (FACTS.md).
 */
final class MaskedOptimizer extends Optimizer {

    private final Optimizer optimizer;
    private final Map<String, NDArray> masksByParameterId;

    MaskedOptimizer(Optimizer optimizer, Map<String, NDArray> masksByParameterId) {
        super(new Builder());
        this.optimizer = optimizer;
        this.masksByParameterId = masksByParameterId;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        optimizer.update(parameterId, weight, grad);
        NDArray mask = masksByParameterId.get(parameterId);
        if (mask != null) {
            weight.muli(mask);
        }
    }

    /** The wrapper takes no settings of its own: rates, decay and clipping are the wrapped optimizer's. */
    private static final class Builder extends OptimizerBuilder<Builder> {

        @Override
        protected Builder self() {
            return this;
        }
    }
}
