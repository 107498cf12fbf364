package io.condenser.job;

import io.condenser.model.ModelUsage;
import java.util.UUID;
import org.springframework.stereotype.Component;

@Component
class JobModelUsage implements ModelUsage {

    private final JobRepository jobs;

    JobModelUsage(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public boolean hasActiveJobs(UUID modelId) {
        return jobs.hasActiveJobs(modelId);
    }
}
