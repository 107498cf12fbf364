package io.condenser.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured events that long-running work records as it goes, for whoever follows it (a job's event stream): one per
 * finished training epoch, a warning about something it left alone. Unlike progress, every event is kept. The work
 * calls it between units of work, like {@link TaskMonitor}; recording is synchronous and durable once it returns.
 */
public interface TaskEvents {

    /** Events that go nowhere. */
    TaskEvents NONE = new TaskEvents() {
        @Override
        public void record(String type, Map<String, ?> data) {
        }

        @Override
        public void info(String message) {
        }

        @Override
        public void warning(String message) {
        }
    };

    /**
     * Records an event of the work's own kind.
     *
     * @param type a lowercase name of at most 40 characters (a-z, 0-9, '-'), e.g. "epoch"; "status", "progress",
     *             "log" and "webhook" are the service's own and refused
     * @param data JSON values: strings, numbers (NaN and infinities become strings), booleans, nulls, and lists and
     *             maps of them
     * @throws IllegalArgumentException for a type that is not allowed
     */
    void record(String type, Map<String, ?> data);

    /** A line for the job's log. */
    void info(String message);

    /** A line for the job's log that the user should read. */
    void warning(String message);

    /**
     * Records the metrics of one finished training epoch as an {@code epoch} event:
     * {@code {"epoch": 3, "trainLoss": 0.21, "validationAccuracy": 0.94}}.
     *
     * @param epoch   counted from 1
     * @param metrics by name, in camelCase (trainLoss, validationLoss, validationAccuracy, learningRate ...)
     */
    default void epoch(int epoch, Map<String, ? extends Number> metrics) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("epoch", epoch);
        data.putAll(metrics);
        record("epoch", data);
    }
}
