package io.condenser.job;

import io.condenser.engine.TaskEvents;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The events of one pipeline step, recorded as the job's events tagged with the step's index and type. After a lost
 * lease nothing is recorded: the job belongs to another run, and the step stops at its next cancellation check.
 */
final class StepEventRecorder implements TaskEvents {

    private final JobEventLog log;
    private final ClaimedJob claim;
    private final int step;
    private final String stepType;

    StepEventRecorder(JobEventLog log, ClaimedJob claim, int step, String stepType) {
        this.log = log;
        this.claim = claim;
        this.step = step;
        this.stepType = stepType;
    }

    @Override
    public void record(String type, Map<String, ?> data) {
        JobEventLog.requireStepEventType(type);
        Map<String, Object> tagged = new LinkedHashMap<>();
        tagged.put("step", step);
        tagged.put("stepType", stepType);
        tagged.putAll(data);
        log.record(claim, type, tagged);
    }

    @Override
    public void info(String message) {
        line("info", message, Map.of());
    }

    @Override
    public void warning(String message) {
        line("warning", message, Map.of());
    }

    /** A log line of this step with more fields (e.g. the counters of its report). */
    void line(String level, String message, Map<String, ?> fields) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("level", level);
        data.put("message", message);
        data.put("step", step);
        data.put("stepType", stepType);
        data.putAll(fields);
        log.record(claim, JobEventLog.LOG, data);
    }
}
