package io.condenser.job;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job spec as stored with the job: the request with every default filled in, so the job shows exactly what ran.
 *
 * @param steps   each step's fields, {@code type} included, as JSON values
 * @param webhook null when the job has none
 */
public record JobSpecDocument(UUID modelId, String device, List<Map<String, Object>> steps,
                              EvaluationDocument evaluation, WebhookDocument webhook) {

    /**
     * How the original and the result are measured.
     *
     * @param datasetId the dataset to evaluate on; null for synthetic inputs
     * @param output    the output holding class scores; null for the first
     * @param samples   with a dataset, null means all of its samples
     */
    public record EvaluationDocument(UUID datasetId, String output, Integer samples, Integer batchSize,
                                     Integer latencyRuns, Map<String, Integer> dimensions, Long seed) {
    }

    /**
     * Where the job's status changes are POSTed.
     *
     * @param events the wire names of {@link JobWebhookEvent}s; null or empty for {@link JobWebhookEvent#DEFAULT}
     * @param secret {@code whsec_…}; null for the service's signing secret. Never stored in the spec (the API returns
     *               it), only with the job's webhook
     */
    public record WebhookDocument(String url, List<String> events, String secret) {
    }
}
