package io.condenser.job;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface JobMetricRepository extends JpaRepository<JobMetricEntity, Long> {

    List<JobMetricEntity> findByJobIdInOrderById(Collection<UUID> jobIds);
}
