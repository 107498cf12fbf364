package io.condenser.job;

import java.util.Locale;

/** What a metric describes. */
public enum MetricSubject {
    /** The model the job started from. */
    ORIGINAL,
    /** The model the job produced. */
    RESULT,
    /** The result compared with the original. */
    FIDELITY,
    /** One pipeline step. */
    STEP,
    /** The job as a whole. */
    JOB;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MetricSubject fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
