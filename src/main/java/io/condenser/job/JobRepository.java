package io.condenser.job;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface JobRepository extends JpaRepository<JobEntity, UUID>, JpaSpecificationExecutor<JobEntity> {

    @Query("""
            select count(j) > 0 from JobEntity j
            where j.modelId = :modelId and j.status in (
                io.condenser.job.JobStatus.QUEUED, io.condenser.job.JobStatus.RUNNING,
                io.condenser.job.JobStatus.CANCELLING)""")
    boolean hasActiveJobs(@Param("modelId") UUID modelId);
}
