package io.condenser.engine.eval;

import java.util.List;

/** Collects per-sample comparisons of two models' outputs, batch by batch. */
final class FidelityAccumulator {

    private int samples;
    private int cosineCount;
    private double cosineSum;
    private double cosineMin = 1.0;
    private double maxAbsDiff;
    private int top1Samples;
    private int top1Agreements;

    void add(List<HostTensor> reference, List<HostTensor> candidate, int batchSize) {
        if (reference.size() != candidate.size()) {
            throw new IllegalStateException("the models have " + reference.size() + " and " + candidate.size()
                    + " outputs");
        }
        samples += batchSize;
        for (int o = 0; o < reference.size(); o++) {
            HostTensor expected = reference.get(o);
            HostTensor actual = candidate.get(o);
            if (!expected.type().isFloatingPoint() || !actual.type().isFloatingPoint()) {
                continue;
            }
            if (expected.elementCount() != actual.elementCount()) {
                throw new IllegalStateException("output " + expected.name() + " has " + expected.elementCount()
                        + " elements in the original and " + actual.elementCount() + " in the result");
            }
            int perSample = hasBatchDimension(expected, batchSize)
                    ? Math.toIntExact(expected.elementCount() / batchSize) : Math.toIntExact(expected.elementCount());
            int groups = Math.toIntExact(expected.elementCount() / Math.max(perSample, 1));
            for (int s = 0; s < groups; s++) {
                compareSample(expected, actual, s * perSample, perSample);
            }
            if (o == 0 && expected.shape().length == 2 && expected.shape()[0] == batchSize && perSample > 1) {
                countTop1(expected, actual, batchSize, perSample);
            }
        }
    }

    private static boolean hasBatchDimension(HostTensor tensor, int batchSize) {
        return tensor.shape().length > 0 && tensor.shape()[0] == batchSize;
    }

    private void compareSample(HostTensor expected, HostTensor actual, int offset, int length) {
        double dot = 0;
        double normExpected = 0;
        double normActual = 0;
        boolean finite = true;
        for (int i = offset; i < offset + length; i++) {
            double e = expected.value(i);
            double a = actual.value(i);
            if (!Double.isFinite(a) && Double.isFinite(e)) {
                finite = false;
                continue;
            }
            dot += e * a;
            normExpected += e * e;
            normActual += a * a;
            maxAbsDiff = Math.max(maxAbsDiff, Math.abs(e - a));
        }
        double cosine;
        if (!finite) {
            cosine = 0;
        } else if (normExpected == 0 && normActual == 0) {
            cosine = 1;
        } else if (normExpected == 0 || normActual == 0) {
            cosine = 0;
        } else {
            cosine = dot / Math.sqrt(normExpected * normActual);
        }
        cosineSum += cosine;
        cosineCount++;
        cosineMin = Math.min(cosineMin, cosine);
    }

    private void countTop1(HostTensor expected, HostTensor actual, int batchSize, int classes) {
        for (int s = 0; s < batchSize; s++) {
            if (argMax(expected, s * classes, classes) == argMax(actual, s * classes, classes)) {
                top1Agreements++;
            }
            top1Samples++;
        }
    }

    private static int argMax(HostTensor tensor, int offset, int length) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            double value = tensor.value(offset + i);
            if (value > bestValue) {
                bestValue = value;
                best = i;
            }
        }
        return best;
    }

    FidelityReport report() {
        return new FidelityReport(samples,
                cosineCount == 0 ? 1.0 : cosineSum / cosineCount,
                cosineCount == 0 ? 1.0 : cosineMin,
                maxAbsDiff,
                top1Samples == 0 ? null : (double) top1Agreements / top1Samples);
    }
}
