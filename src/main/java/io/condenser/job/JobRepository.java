package io.condenser.job;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface JobRepository extends JpaRepository<JobEntity, UUID>, JpaSpecificationExecutor<JobEntity> {

    Optional<JobEntity> findByIdAndTenantId(UUID id, UUID tenantId);

    @Query("""
            select count(j) > 0 from JobEntity j
            where j.modelId = :modelId and j.status in (
                io.condenser.job.JobStatus.QUEUED, io.condenser.job.JobStatus.RUNNING,
                io.condenser.job.JobStatus.CANCELLING)""")
    boolean hasActiveJobs(@Param("modelId") UUID modelId);

    @Query(nativeQuery = true, value = """
            select exists (select 1 from job_datasets d join jobs j on j.id = d.job_id
                           where d.dataset_id = :datasetId and j.status in ('QUEUED', 'RUNNING', 'CANCELLING'))""")
    boolean hasActiveJobsReading(@Param("datasetId") UUID datasetId);

    @Modifying
    @Query(nativeQuery = true, value = "insert into job_datasets (job_id, dataset_id) values (:jobId, :datasetId)")
    void recordDatasetRead(@Param("jobId") UUID jobId, @Param("datasetId") UUID datasetId);
}
