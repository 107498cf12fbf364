package io.condenser.job;

import io.condenser.dataset.DatasetUsage;
import java.util.UUID;
import org.springframework.stereotype.Component;

@Component
class JobDatasetUsage implements DatasetUsage {

    private final JobRepository jobs;

    JobDatasetUsage(JobRepository jobs) {
        this.jobs = jobs;
    }

    @Override
    public boolean hasActiveJobs(UUID datasetId) {
        return jobs.hasActiveJobsReading(datasetId);
    }
}
