package io.condenser.job;

import java.util.List;

/** What one pipeline step did and how long it took. */
public record StepReport(int index, String type, double durationMs, List<StepCounter> counters) {
}
