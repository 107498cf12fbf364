package io.condenser.engine.eval;

/**
 * How often a classifier's arg-max (top-1) or five highest scores (top-5) contain the true label.
 *
 * @param top5 null when the model has five classes or fewer, where top-5 says nothing
 */
public record AccuracyReport(long samples, double top1, Double top5) {
}
