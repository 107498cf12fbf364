package io.condenser.dataset;

import io.condenser.support.KeysetPage;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface DatasetRepository extends JpaRepository<DatasetEntity, UUID>, KeysetPage.Queries<DatasetEntity> {

    /** Locks the row so that no job can be queued on the dataset while it is being deleted. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select d from DatasetEntity d where d.id = :id and d.tenantId = :tenantId")
    Optional<DatasetEntity> findForUpdate(@Param("tenantId") UUID tenantId, @Param("id") UUID id);

    Optional<DatasetEntity> findByIdAndTenantId(UUID id, UUID tenantId);

    @Override
    @Query("select d from DatasetEntity d where d.tenantId = :tenantId order by d.createdAt desc, d.id desc")
    List<DatasetEntity> newestFirst(@Param("tenantId") UUID tenantId, Limit limit);

    /** The page after a keyset cursor (created_at, id), newest first. */
    @Override
    @Query("""
            select d from DatasetEntity d
            where d.tenantId = :tenantId
              and (d.createdAt < :createdAt or (d.createdAt = :createdAt and d.id < :id))
            order by d.createdAt desc, d.id desc""")
    List<DatasetEntity> newestFirstAfter(@Param("tenantId") UUID tenantId, @Param("createdAt") Instant createdAt,
                                         @Param("id") UUID id, Limit limit);
}
