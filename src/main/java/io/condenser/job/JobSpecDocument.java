package io.condenser.job;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job spec as stored with the job: the request with every default filled in, so the job shows exactly what ran.
 *
 * @param steps each step's fields, {@code type} included, as JSON values
 */
public record JobSpecDocument(UUID modelId, String device, List<Map<String, Object>> steps,
                              EvaluationDocument evaluation) {

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
}
