package io.condenser.engine.eval;

/**
 * How closely a model's outputs follow a reference model's on the same inputs.
 *
 * @param cosineMean    mean over samples (and floating-point outputs) of the cosine similarity of the flattened outputs
 * @param cosineMin     the worst sample
 * @param maxAbsDiff    largest absolute difference of any output element
 * @param top1Agreement share of samples whose arg-max of the first output agrees, when that output is [batch, classes];
 *                      null otherwise
 */
public record FidelityReport(int samples, double cosineMean, double cosineMin, double maxAbsDiff,
                             Double top1Agreement) {
}
