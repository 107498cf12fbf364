package io.condenser.engine.onnx;

/** Operator-set domain names. */
public final class OnnxDomains {

    /** The default ONNX domain; "ai.onnx" is its alias. */
    public static final String DEFAULT = "";

    private OnnxDomains() {
    }

    public static String normalize(String domain) {
        return "ai.onnx".equals(domain) ? DEFAULT : domain;
    }
}
