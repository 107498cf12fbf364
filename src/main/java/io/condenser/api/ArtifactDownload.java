package io.condenser.api;

import io.condenser.problem.ProblemException;
import io.condenser.storage.ArtifactStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Answers a download of a stored file: streamed, ETag = quoted sha256, 304 for a current If-None-Match. Byte ranges are
 * served by Spring MVC from the returned resource. Where the store hands out direct URLs (S3 with presigned downloads),
 * a plain GET of the whole file is redirected there instead (307), so that its bytes do not pass through this service.
 */
@Component
class ArtifactDownload {

    private final ArtifactStore store;
    private final HttpServletRequest request;

    /** @param request the current request (a proxy to it): whether it asks for a byte range */
    ArtifactDownload(ArtifactStore store, HttpServletRequest request) {
        this.store = store;
        this.request = request;
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
        String disposition = ContentDisposition.attachment().filename(fileName, StandardCharsets.UTF_8).build()
                .toString();
        if (isWholeFileGet()) {
            Optional<URI> direct = store.directDownload(storageKey, disposition);
            if (direct.isPresent()) {
                return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT).location(direct.get()).eTag(etag)
                        .cacheControl(CacheControl.noStore()).build();
            }
        }
        try {
            Resource content = store.read(storageKey);
            return ResponseEntity.ok()
                    .eTag(etag)
                    .contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .contentLength(sizeBytes)
                    .header(HttpHeaders.CONTENT_DISPOSITION, disposition)
                    .body(content);
        } catch (NoSuchFileException e) {
            throw ProblemException.notFound("stored file for " + what, id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A GET without Range or If-Range. Byte ranges stay here: a resuming client pairs them with If-Range and this
     * service's ETag, which the object store would not recognise (its ETag is not the sha256), and it would answer
     * with the whole file. A HEAD stays too, since a presigned URL is signed for GET only.
     */
    private boolean isWholeFileGet() {
        return HttpMethod.GET.matches(request.getMethod()) && request.getHeader(HttpHeaders.RANGE) == null
                && request.getHeader(HttpHeaders.IF_RANGE) == null;
    }

    /** A file name from a display name: only letters, digits, dot, dash and underscore, ending in the extension. */
    static String fileName(String displayName, String extension) {
        String base = displayName.replaceAll("[^A-Za-z0-9._-]+", "_");
        return base.endsWith(extension) ? base : base + extension;
    }
}
