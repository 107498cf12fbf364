package io.condenser.engine.train;

/**
 * A held-out part of the training data, measured after every epoch, with early stopping and keeping the best weights,
 * both judged by its loss.
 *
 * <p>"Best" is the lowest validation loss, not the highest validation accuracy, although accuracy is what a model is
 * judged on: on a held-out split of a few hundred samples accuracy moves in steps of one sample, a converged model ties
 * on it epoch after epoch, and picking by it follows single images; the loss weighs every sample's confidence and is
 * what the training lowers. It is also what early stopping watches, so the weights kept are those of the epoch the
 * patience was counted from: an early-stopped run ends with the epoch that made it stop.
 *
 * @param fraction        the share of the samples held out (chosen with the run's seed); 0 for no validation
 * @param patience        stop after this many epochs in a row without a lower validation loss; 0 never stops early
 * @param keepBestWeights measure the starting weights on the held-out samples before the first epoch (epoch 0), keep a
 *                        copy of the weights with the lowest validation loss so far (ties: the earlier epoch; the
 *                        starting weights compete as epoch 0, for early stopping too) and put them back into the block
 *                        when the run ends, so training never hands back weights worse on the held-out samples than
 *                        those it started from
 */
public record ValidationSettings(double fraction, int patience, boolean keepBestWeights) {

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
        if (keepBestWeights && fraction == 0) {
            throw new IllegalArgumentException("the best weights are those with the lowest validation loss: keeping"
                    + " them needs a validation fraction above 0");
        }
    }

    public static ValidationSettings none() {
        return new ValidationSettings(0, 0, false);
    }

    public static ValidationSettings holdOut(double fraction) {
        return new ValidationSettings(fraction, 0, false);
    }

    public ValidationSettings withPatience(int epochs) {
        return new ValidationSettings(fraction, epochs, keepBestWeights);
    }

    /** The run ends with the weights of its best epoch, or the starting weights when no epoch beat them. */
    public ValidationSettings keepingBestWeights() {
        return new ValidationSettings(fraction, patience, true);
    }

    public boolean enabled() {
        return fraction > 0;
    }
}
