package io.condenser.storage;

/** An upload exceeded the size limit; nothing of it was kept. */
public class ArtifactTooLargeException extends RuntimeException {

    private final long limitBytes;

    public ArtifactTooLargeException(long limitBytes) {
        super("the upload exceeds the limit of " + limitBytes + " bytes");
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
