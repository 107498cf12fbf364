package io.condenser.support;

import java.nio.file.Path;

/** The name a stored upload is shown under: the one given, else the uploaded file's name, else a default. */
public final class DisplayNames {

    public static final int MAX_LENGTH = 200;

    private DisplayNames() {
    }

    public static String of(String name, String fileName, String fallback) {
        String chosen = name != null && !name.isBlank() ? name.strip()
                : fileName != null && !fileName.isBlank() ? Path.of(fileName).getFileName().toString() : fallback;
        return chosen.length() > MAX_LENGTH ? chosen.substring(0, MAX_LENGTH) : chosen;
    }
}
