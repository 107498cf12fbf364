package io.condenser.problem;

import java.net.URI;

/** The kinds of error Condenser reports, each with a stable type URI (RFC 9457) and its HTTP status. */
public enum ProblemType {
    INVALID_REQUEST(400, "invalid-request", "The request is not valid"),
    INVALID_JOB_SPEC(400, "invalid-job-spec", "The job spec is not valid"),
    UNAUTHORIZED(401, "unauthorized", "A valid API key is required"),
    INSUFFICIENT_SCOPE(403, "insufficient-scope", "The API key lacks the scope this request needs"),
    NOT_FOUND(404, "not-found", "No such resource"),
    TENANT_NAME_TAKEN(409, "tenant-name-taken", "A tenant with this name exists"),
    MODEL_IN_USE(409, "model-in-use", "The model is used by a queued or running job"),
    DATASET_IN_USE(409, "dataset-in-use", "The dataset is read by a queued or running job"),
    JOB_FINISHED(409, "job-finished", "The job has already finished"),
    UPLOAD_TOO_LARGE(413, "upload-too-large", "The upload is too large"),
    UNSUPPORTED_MODEL_FORMAT(415, "unsupported-model-format", "The model format is not supported"),
    UNSUPPORTED_DATASET_FORMAT(415, "unsupported-dataset-format", "The dataset format is not supported"),
    INVALID_MODEL(422, "invalid-model", "The file is not a valid model"),
    IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "The Idempotency-Key was used for a different request"),
    INVALID_DATASET(422, "invalid-dataset", "The file is not a valid dataset"),
    METHOD_NOT_APPLICABLE(422, "method-not-applicable", "The method cannot be applied to this model"),
    QUOTA_EXCEEDED(429, "quota-exceeded", "The tenant's quota does not allow this request"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    WEBHOOK_TARGET_REFUSED(422, "webhook-target-refused", "The webhook URL is not an allowed target"),
    WEBHOOK_SECRET_REQUIRED(422, "webhook-secret-required", "The webhook has no secret to sign its messages"),
    /** A job's engine work failed on the model (reported in the job, not as an HTTP response). */
    COMPRESSION_FAILED(422, "compression-failed", "The compression failed"),
    /** A job's worker stopped heartbeating too many times. */
    WORKER_LOST(500, "worker-lost", "The job's worker was lost"),
    INTERNAL_ERROR(500, "internal-error", "Internal error"),
    TOO_MANY_EVENT_STREAMS(503, "too-many-event-streams", "Too many event streams are open; retry later");

    private static final String BASE = "https://condenser.dev/problems/";

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI uri() {
        return URI.create(BASE + slug);
    }
}
