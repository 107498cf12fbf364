package io.condenser.job;

import java.util.List;

/**
 * A parameter of a compression method, as {@code GET /v1/methods} lists it and as a step's fields are checked.
 *
 * @param allowedValues for {@link Kind#STRING} parameters with a fixed set of values; empty otherwise
 * @param defaultValue  the value used when the field is absent; null for required parameters
 */
public record ParameterDefinition(String name, Kind kind, boolean required, List<String> allowedValues,
                                  Object defaultValue, String description) {

    /** The JSON type a parameter takes. */
    public enum Kind {
        BOOLEAN, STRING, INTEGER, NUMBER
    }

    public ParameterDefinition {
        allowedValues = List.copyOf(allowedValues);
    }

    public static ParameterDefinition choice(String name, List<String> values, String defaultValue,
                                             String description) {
        return new ParameterDefinition(name, Kind.STRING, false, values, defaultValue, description);
    }

    public static ParameterDefinition flag(String name, boolean defaultValue, String description) {
        return new ParameterDefinition(name, Kind.BOOLEAN, false, List.of(), defaultValue, description);
    }
}
