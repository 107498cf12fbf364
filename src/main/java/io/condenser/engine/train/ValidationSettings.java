package io.condenser.engine.train;

/**
 * A held-out part of the training data, measured after every epoch, with early stopping and keeping the best weights,
 * both judged by the same criterion.
 *
 * <p>The best epoch is the one with the highest validation accuracy; on equal accuracy the earlier epoch stays best.
 * Accuracy is what a model is judged on, and only this criterion guarantees what keeping the best weights promises:
 * the weights handed back predict at least as many held-out samples right as the starting weights. The loss is
 * smoother, but a lower loss can come with fewer samples right; and measured on a converged LeNet-300-100 it fell by
 * 2e-5 over epochs that all had 100 % held-out accuracy, and picking by it swapped in weights that lost a test image.
 * Ties going to the earlier epoch means weights are only replaced on evidence: an epoch must get more held-out samples
 * right. Early stopping counts epochs without that evidence, so an early-stopped run that keeps its best weights ends
 * with the epoch its patience was counted from.
 *
 * @param fraction        the share of the samples held out (chosen with the run's seed); 0 for no validation
 * @param patience        stop after this many epochs in a row without a higher validation accuracy; 0 never stops
 *                        early
 * @param keepBestWeights measure the starting weights on the held-out samples before the first epoch (epoch 0), keep a
 *                        copy of the best weights so far (the starting weights compete as epoch 0, for early stopping
 *                        too) and put them back into the block when the run ends, so training never hands back weights
 *                        that predict fewer held-out samples right than those it started from
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
            throw new IllegalArgumentException("early stopping watches the validation accuracy: it needs a"
                    + " validation fraction above 0");
        }
        if (keepBestWeights && fraction == 0) {
            throw new IllegalArgumentException("the best weights are those with the highest validation accuracy:"
                    + " keeping them needs a validation fraction above 0");
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
