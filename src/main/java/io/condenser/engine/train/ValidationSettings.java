package io.condenser.engine.train;

/**
 * A held-out part of the training data, measured after every epoch, and early stopping on its loss.
 *
 * @param fraction the share of the samples held out (chosen with the run's seed); 0 for no validation
 * @param patience stop after this many epochs in a row without a lower validation loss; 0 never stops early
 */
public record ValidationSettings(double fraction, int patience) {

    /** The most of the data that may be held out: the rest must still be worth training on. */
    public static final double MAX_FRACTION = 0.5;

    public ValidationSettings {
        if (!(fraction >= 0 && fraction <= MAX_FRACTION)) {
            throw new IllegalArgumentException("the validation fraction must be in [0, " + MAX_FRACTION + "]; it is "
                    + fraction);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be 0 or more; it is " + patience);
        }
        if (patience > 0 && fraction == 0) {
            throw new IllegalArgumentException("early stopping watches the validation loss: it needs a validation"
                    + " fraction above 0");
        }
    }

    public static ValidationSettings none() {
        return new ValidationSettings(0, 0);
    }

    public static ValidationSettings holdOut(double fraction) {
        return new ValidationSettings(fraction, 0);
    }

    public ValidationSettings withPatience(int epochs) {
        return new ValidationSettings(fraction, epochs);
    }

    public boolean enabled() {
        return fraction > 0;
    }
}
