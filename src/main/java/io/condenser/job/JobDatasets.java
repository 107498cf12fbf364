package io.condenser.job;

import io.condenser.dataset.DatasetEntity;
import io.condenser.dataset.DatasetService;
import io.condenser.engine.data.NumpyDataset;
import io.condenser.problem.FieldProblem;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.storage.ArtifactStore;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The datasets a job reads, opened from local copies for as long as the job (or the check of its spec) runs. */
public final class JobDatasets implements AutoCloseable {

    private final Map<UUID, Opened> opened;

    /** @param largestLabel the largest class label, from the upload's inspection; -1 without labels */
    private record Opened(ArtifactStore.LocalCopy copy, NumpyDataset dataset, long largestLabel) {
    }

    private JobDatasets(Map<UUID, Opened> opened) {
        this.opened = opened;
    }

    /**
     * Opens every dataset the job names, each of which must be the tenant's (another tenant's is not found).
     *
     * @param missing the problem type for a dataset that does not exist (the spec's fault before queueing, the job's
     *                failure after)
     */
    static JobDatasets open(UUID tenantId, PlannedJob job, DatasetService datasets, ArtifactStore store,
                            ProblemType missing) throws IOException {
        Map<UUID, Opened> opened = new HashMap<>();
        JobDatasets result = new JobDatasets(opened);
        try {
            List<FieldProblem> problems = new ArrayList<>();
            for (Map.Entry<String, UUID> named : job.datasets().entrySet()) {
                UUID id = named.getValue();
                DatasetEntity entity = datasets.findById(tenantId, id).orElse(null);
                if (entity == null) {
                    problems.add(new FieldProblem(named.getKey(), "no dataset with id " + id));
                } else if (!opened.containsKey(id)) {
                    ArtifactStore.LocalCopy copy;
                    try {
                        copy = store.localCopy(entity.getStorageKey());
                    } catch (NoSuchFileException e) {
                        // Deleted after its row was read: the same as not existing.
                        problems.add(new FieldProblem(named.getKey(), "no dataset with id " + id));
                        continue;
                    }
                    try {
                        long largestLabel = datasets.summary(entity).labelCounts().keySet().stream()
                                .mapToLong(Long::parseLong).max().orElse(-1);
                        opened.put(id, new Opened(copy, datasets.open(copy), largestLabel));
                    } catch (IOException | RuntimeException e) {
                        copy.close();
                        throw e;
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new ProblemException(missing, problems.getFirst().field() + ": "
                        + problems.getFirst().message(), problems);
            }
            return result;
        } catch (IOException | RuntimeException e) {
            result.close();
            throw e;
        }
    }

    public NumpyDataset get(UUID id) {
        return require(id).dataset();
    }

    /** The largest class label of the dataset, or -1 when it has no labels. */
    public long largestLabel(UUID id) {
        return require(id).largestLabel();
    }

    public Path path(UUID id) {
        return require(id).copy().path();
    }

    private Opened require(UUID id) {
        Opened found = opened.get(id);
        if (found == null) {
            throw new IllegalStateException("dataset " + id + " was not opened for this job");
        }
        return found;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Opened each : opened.values()) {
            try (ArtifactStore.LocalCopy copy = each.copy()) {
                each.dataset().close();
            } catch (IOException e) {
                failure = e;
            }
        }
        opened.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
