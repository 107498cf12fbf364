package io.condenser.engine.train;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Loss, accuracy and the spread of predicted classes over one pass (an epoch's training or a validation pass). */
final class PassMetrics {

    private double lossSum;
    private long samples;
    private long correct;
    private final Map<Long, Long> predictedClasses = new HashMap<>();
    private final Set<Long> labelClasses = new HashSet<>();

    /** @param meanLoss the batch's mean loss */
    void add(double meanLoss, long[] predictions, long[] labels) {
        lossSum += meanLoss * labels.length;
        samples += labels.length;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] == labels[i]) {
                correct++;
            }
            predictedClasses.merge(predictions[i], 1L, Long::sum);
            labelClasses.add(labels[i]);
        }
    }

    long samples() {
        return samples;
    }

    double meanLoss() {
        return lossSum / samples;
    }

    double accuracy() {
        return (double) correct / samples;
    }

    int distinctPredictions() {
        return predictedClasses.size();
    }

    int distinctLabels() {
        return labelClasses.size();
    }

    /** The share of samples given the most often predicted class; 1.0 when the model predicts one class only. */
    double dominantPredictionShare() {
        long most = predictedClasses.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return (double) most / samples;
    }
}
