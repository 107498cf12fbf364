package io.condenser.engine.eval;

import io.condenser.engine.UnsupportedModelException;
import java.util.Arrays;

/** Counts top-1 and top-5 hits of a classifier's scores [batch, classes] against labels, batch by batch. */
final class AccuracyAccumulator {

    private static final int TOP_K = 5;

    private long samples;
    private long top1;
    private long top5;
    private long classes;

    /** @param validSamples the leading samples of the batch that carry labels */
    void add(HostTensor scores, long[] labels, int validSamples) {
        long[] shape = scores.shape();
        if (shape.length != 2 || shape[0] < validSamples || shape[1] < 2 || !scores.type().isFloatingPoint()) {
            throw new UnsupportedModelException("output '" + scores.name() + "' is not class scores [batch, classes]"
                    + " (its shape is " + Arrays.toString(shape) + "); name the logits output in"
                    + " evaluation.output");
        }
        classes = shape[1];
        int width = (int) shape[1];
        for (int s = 0; s < validSamples; s++) {
            long label = labels[s];
            if (label >= width) {
                throw new UnsupportedModelException("label " + label + " is out of range for output '" + scores.name()
                        + "' with " + width + " classes");
            }
            double labelScore = scores.value(s * width + (int) label);
            int higher = 0;
            for (int c = 0; c < width; c++) {
                double score = scores.value(s * width + c);
                // Ties with the label's score count against it, so a constant output is never "accurate"; so does a
                // NaN on either side, so a broken result (an fp16 overflow) never is either.
                if (c != label && !(score < labelScore)) {
                    higher++;
                }
            }
            if (Double.isNaN(labelScore)) {
                higher = width;
            }
            if (higher == 0) {
                top1++;
            }
            if (higher < TOP_K) {
                top5++;
            }
            samples++;
        }
    }

    AccuracyReport report() {
        return new AccuracyReport(samples, samples == 0 ? 0 : (double) top1 / samples,
                classes > TOP_K && samples > 0 ? (double) top5 / samples : null);
    }
}
