package io.condenser.engine.quantize;

/**
 * Options of ternary and binary weights.
 *
 * @param levels     ternary {−α, 0, +α} or binary {−α, +α}
 * @param perChannel one α (and threshold) per output channel instead of one per layer
 */
public record TernaryOptions(Levels levels, boolean perChannel) {

    /** The values a weight may take. */
    public enum Levels {
        /**
         * Ternary weight networks (Li et al. 2016): threshold Δ = 0.7·mean|W|, weights beyond ±Δ become ±α with
         * α = mean of |W| over |W| > Δ, the rest 0.
         */
        TERNARY,
        /** Sign of the weight times α = mean|W| (binary-weight networks, Rastegari et al. 2016). */
        BINARY
    }

    public TernaryOptions {
        if (levels == null) {
            throw new IllegalArgumentException("levels must be given");
        }
    }

    public static TernaryOptions ternary() {
        return new TernaryOptions(Levels.TERNARY, true);
    }

    public static TernaryOptions binary() {
        return new TernaryOptions(Levels.BINARY, true);
    }

    String describe() {
        return levels.name().toLowerCase() + (perChannel ? " per-channel" : " per-layer") + " weights";
    }
}
