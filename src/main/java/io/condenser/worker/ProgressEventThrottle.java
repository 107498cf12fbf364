package io.condenser.worker;

import java.util.Objects;

/**
 * Which progress reports of a job also become events: the first, each that moved at least one percentage point since
 * the last event, and otherwise anything new once a second has passed. A job thus records at most about a hundred
 * progress events plus one a second, however often its engine reports.
 */
final class ProgressEventThrottle {

    static final double MIN_STEP = 0.01;
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private boolean recordedAny;
    private double lastFraction;
    private String lastMessage;
    private long lastNanos;

    /** @return whether this report is recorded as an event (and is then the last one) */
    boolean shouldRecord(double fraction, String message, long nanos) {
        boolean record = !recordedAny
                || Math.abs(fraction - lastFraction) >= MIN_STEP
                || nanos - lastNanos >= INTERVAL_NANOS
                        && (fraction != lastFraction || !Objects.equals(message, lastMessage));
        if (record) {
            recordedAny = true;
            lastFraction = fraction;
            lastMessage = message;
            lastNanos = nanos;
        }
        return record;
    }
}
