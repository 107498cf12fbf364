package io.condenser.job;

import java.util.Map;
import java.util.UUID;

/** A step's parameters after checking, with defaults applied; an object parameter is a nested map. */
public record StepArguments(Map<String, Object> values) {

    public StepArguments {
        values = Map.copyOf(values);
    }

    public boolean flag(String name) {
        return (Boolean) values.get(name);
    }

    public String string(String name) {
        return (String) values.get(name);
    }

    public int integer(String name) {
        return ((Number) values.get(name)).intValue();
    }

    public double number(String name) {
        return ((Number) values.get(name)).doubleValue();
    }

    public UUID dataset(String name) {
        return UUID.fromString((String) values.get(name));
    }

    @SuppressWarnings("unchecked")
    public StepArguments object(String name) {
        return new StepArguments((Map<String, Object>) values.get(name));
    }
}
