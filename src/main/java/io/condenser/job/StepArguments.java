package io.condenser.job;

import java.util.Map;

/** A step's parameters after checking, with defaults applied. */
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
}
