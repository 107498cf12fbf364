package io.condenser.job;

import java.util.List;

/**
 * A parameter of a compression method, as {@code GET /v1/methods} lists it and as a step's fields are checked.
 *
 * @param allowedValues for {@link Kind#STRING} parameters with a fixed set of values; empty otherwise
 * @param defaultValue  the value used when the field is absent; null for required parameters and objects (whose
 *                      fields carry their own defaults)
 * @param minimum       the smallest allowed value of a number; null when unbounded or not a number
 * @param maximum       the largest allowed value of a number; null when unbounded or not a number
 * @param fields        the fields of an {@link Kind#OBJECT} parameter; empty otherwise
 */
public record ParameterDefinition(String name, Kind kind, boolean required, List<String> allowedValues,
                                  Object defaultValue, String description, Number minimum, Number maximum,
                                  List<ParameterDefinition> fields) {

    /** The JSON type a parameter takes; {@link #DATASET} is the id of an uploaded dataset. */
    public enum Kind {
        BOOLEAN, STRING, INTEGER, NUMBER, DATASET, OBJECT
    }

    public ParameterDefinition {
        allowedValues = List.copyOf(allowedValues);
        fields = List.copyOf(fields);
    }

    public static ParameterDefinition choice(String name, List<String> values, String defaultValue,
                                             String description) {
        return new ParameterDefinition(name, Kind.STRING, false, values, defaultValue, description, null, null,
                List.of());
    }

    /** A free text without a default: absent unless the step names it. */
    public static ParameterDefinition text(String name, String description) {
        return new ParameterDefinition(name, Kind.STRING, false, List.of(), null, description, null, null,
                List.of());
    }

    public static ParameterDefinition flag(String name, boolean defaultValue, String description) {
        return new ParameterDefinition(name, Kind.BOOLEAN, false, List.of(), defaultValue, description, null, null,
                List.of());
    }

    public static ParameterDefinition integer(String name, int defaultValue, int minimum, int maximum,
                                              String description) {
        return new ParameterDefinition(name, Kind.INTEGER, false, List.of(), defaultValue, description, minimum,
                maximum, List.of());
    }

    public static ParameterDefinition number(String name, double defaultValue, double minimum, double maximum,
                                             String description) {
        return new ParameterDefinition(name, Kind.NUMBER, false, List.of(), defaultValue, description, minimum,
                maximum, List.of());
    }

    public static ParameterDefinition dataset(String name, String description) {
        return new ParameterDefinition(name, Kind.DATASET, true, List.of(), null, description, null, null,
                List.of());
    }

    /** An object of named fields; required when any of its fields is. */
    public static ParameterDefinition object(String name, List<ParameterDefinition> fields, String description) {
        return new ParameterDefinition(name, Kind.OBJECT, fields.stream().anyMatch(ParameterDefinition::required),
                List.of(), null, description, null, null, fields);
    }
}
