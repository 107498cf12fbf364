package io.condenser.model;

import java.util.UUID;

/** Tells whether work in progress still needs a model (implemented where jobs live). */
public interface ModelUsage {

    boolean hasActiveJobs(UUID modelId);
}
