package io.condenser.engine.train;

/**
 * Which optimizer updates the weights, and how.
 *
 * @param learningRate the base learning rate, before the schedule shapes it
 * @param momentum     SGD's momentum (0 for plain SGD); Adam and AdamW take none
 * @param weightDecay  L2 weight decay (coupled for SGD and Adam, decoupled for AdamW); 0 for none
 */
public record OptimizerSettings(OptimizerKind kind, double learningRate, double momentum, double weightDecay) {

    public OptimizerSettings {
        if (kind == null) {
            throw new IllegalArgumentException("an optimizer is required");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be a positive number; it is " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1); it is " + momentum);
        }
        if (kind != OptimizerKind.SGD && momentum != 0) {
            throw new IllegalArgumentException("momentum applies to SGD only; " + kind + " keeps its own moments");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be 0 or more; it is " + weightDecay);
        }
    }

    public static OptimizerSettings sgd(double learningRate, double momentum, double weightDecay) {
        return new OptimizerSettings(OptimizerKind.SGD, learningRate, momentum, weightDecay);
    }

    public static OptimizerSettings adam(double learningRate, double weightDecay) {
        return new OptimizerSettings(OptimizerKind.ADAM, learningRate, 0, weightDecay);
    }

    public static OptimizerSettings adamW(double learningRate, double weightDecay) {
        return new OptimizerSettings(OptimizerKind.ADAMW, learningRate, 0, weightDecay);
    }
}
