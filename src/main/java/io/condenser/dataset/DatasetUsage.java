package io.condenser.dataset;

import java.util.UUID;

/** Tells whether work in progress still reads a dataset (implemented where jobs live). */
public interface DatasetUsage {

    boolean hasActiveJobs(UUID datasetId);
}
