package io.condenser.storage;

/** An object in the artifact store. */
public record StoredArtifact(String key, long sizeBytes, String sha256) {
}
