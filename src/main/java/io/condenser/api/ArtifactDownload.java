package io.condenser.api;

import io.condenser.problem.ProblemException;
import io.condenser.storage.ArtifactStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Answers a download of a stored file: streamed, ETag = quoted sha256, 304 for a current If-None-Match. Byte ranges are
 * served by Spring MVC from the returned resource.
 */
@Component
class ArtifactDownload {

    private final ArtifactStore store;

    ArtifactDownload(ArtifactStore store) {
        this.store = store;
    }

    /**
     * @param what     the resource kind, for the 404 when the stored file is gone
     * @param fileName the download's file name, already safe for a header
     */
    ResponseEntity<Resource> respond(String what, UUID id, String storageKey, String sha256, long sizeBytes,
                                     String fileName, String ifNoneMatch) {
        String etag = "\"" + sha256 + "\"";
        if (ifNoneMatch != null && (ifNoneMatch.equals("*") || Arrays.stream(ifNoneMatch.split(","))
                .map(String::strip).map(t -> t.startsWith("W/") ? t.substring(2) : t).anyMatch(etag::equals))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        try {
            Resource content = store.read(storageKey);
            return ResponseEntity.ok()
                    .eTag(etag)
                    .contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .contentLength(sizeBytes)
                    .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                            .filename(fileName, StandardCharsets.UTF_8).build().toString())
                    .body(content);
        } catch (IOException e) {
            throw ProblemException.notFound("stored file for " + what, id);
        }
    }

    /** A file name from a display name: only letters, digits, dot, dash and underscore, ending in the extension. */
    static String fileName(String displayName, String extension) {
        String base = displayName.replaceAll("[^A-Za-z0-9._-]+", "_");
        return base.endsWith(extension) ? base : base + extension;
    }
}
