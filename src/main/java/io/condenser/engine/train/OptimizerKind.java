package io.condenser.engine.train;

/** The optimizers a training run can use; all are DJL's own. */
public enum OptimizerKind {
    /** Stochastic gradient descent with optional momentum; weight decay is an L2 term added to the gradient. */
    SGD,
    /** Adam; weight decay is an L2 term added to the gradient before the moments (as in PyTorch's Adam). */
    ADAM,
    /** Adam with decoupled weight decay (Loshchilov and Hutter): weights shrink by lr × decay apart from the moments. */
    ADAMW
}
