package io.condenser.engine.eval;

/**
 * Process-wide DJL settings that must be in place before DJL's engines start: no downloads and no telemetry call to a
 * cloud metadata address (FACTS.md). Values given on the command line win.
 */
public final class DjlSettings {

    private DjlSettings() {
    }

    public static synchronized void apply() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
