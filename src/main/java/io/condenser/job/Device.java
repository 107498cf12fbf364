package io.condenser.job;

import java.util.Locale;

/** Where a job asks to run; {@code AUTO} lets the worker that claims it choose. */
public enum Device {
    AUTO, CPU, GPU;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Device fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
