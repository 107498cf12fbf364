package io.condenser.job;

import io.condenser.engine.UnsupportedModelException;
import io.condenser.engine.quantize.QuantizationReport.SkippedNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Turns an engine's plan of a rewrite into a step's answer to "can this model take it, and if not, why". */
final class EnginePlans {

    private static final int REASONS_SHOWN = 3;

    /** What a plan tells: whether it would change anything, and what it leaves alone. */
    record Planned(boolean empty, List<SkippedNode> skipped) {
    }

    private EnginePlans() {
    }

    /**
     * @param plan    builds the plan; throws {@link UnsupportedModelException} when the model rules the method out
     * @param nothing what to say when the plan would change nothing (followed by the first skipped nodes' reasons)
     */
    static Optional<String> whyNotApplicable(Supplier<Planned> plan, String nothing) {
        try {
            Planned planned = plan.get();
            if (!planned.empty()) {
                return Optional.empty();
            }
            String reasons = planned.skipped().stream().limit(REASONS_SHOWN)
                    .map(s -> s.node() + ": " + s.reason()).collect(Collectors.joining("; "));
            return Optional.of(nothing + (reasons.isEmpty() ? "" : " (" + reasons + ")"));
        } catch (UnsupportedModelException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The counters every weight-rewriting step reports: nodes rewritten by operator type and nodes left alone. */
    static void addNodeCounters(List<StepCounter> counters, String verb, Map<String, Integer> byOperator,
                                List<SkippedNode> skipped) {
        counters.add(StepCounter.count(verb + "Nodes", byOperator.values().stream().mapToInt(Integer::intValue)
                .sum()));
        counters.add(StepCounter.count("skippedNodes", skipped.size()));
        byOperator.forEach((op, count) -> counters.add(StepCounter.count(verb + op, count)));
    }
}
