package io.condenser.storage;

import java.util.regex.Pattern;

/** The shape every store accepts for a key: slash-separated plain names, nothing that could climb out of a folder. */
final class ArtifactKeys {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private ArtifactKeys() {
    }

    /** @throws IllegalArgumentException for a key of any other shape */
    static String check(String key) {
        if (!KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("not a valid artifact key: " + key);
        }
        return key;
    }

    /** The key of a name in the folder of another key ({@code models/1/m.onnx}, {@code m.data} → {@code models/1/m.data}). */
    static String sibling(String key, String name) {
        if (name.contains("/")) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
        return check(key.substring(0, key.lastIndexOf('/') + 1) + name);
    }
}
