package io.condenser.job;

/**
 * One number a step reports about what it did, with its unit.
 *
 * @param unit "count", "ratio", "bits" …, as stored in job_metrics
 */
public record StepCounter(String name, double value, String unit) {

    public static StepCounter count(String name, double value) {
        return new StepCounter(name, value, "count");
    }

    public static StepCounter ratio(String name, double value) {
        return new StepCounter(name, value, "ratio");
    }
}
