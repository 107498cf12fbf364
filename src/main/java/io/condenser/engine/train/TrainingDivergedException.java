package io.condenser.engine.train;

/** The loss became NaN or infinite: the weights are no longer numbers worth keeping. */
public class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(String message) {
        super(message);
    }
}
