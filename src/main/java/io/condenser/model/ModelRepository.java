package io.condenser.model;

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

public interface ModelRepository extends JpaRepository<ModelEntity, UUID>, KeysetPage.Queries<ModelEntity> {

    /** Locks the row so that a job cannot start using the model while it is being deleted. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select m from ModelEntity m where m.id = :id and m.tenantId = :tenantId")
    Optional<ModelEntity> findForUpdate(@Param("tenantId") UUID tenantId, @Param("id") UUID id);

    Optional<ModelEntity> findByIdAndTenantId(UUID id, UUID tenantId);

    @Override
    @Query("select m from ModelEntity m where m.tenantId = :tenantId order by m.createdAt desc, m.id desc")
    List<ModelEntity> newestFirst(@Param("tenantId") UUID tenantId, Limit limit);

    /** The page after a keyset cursor (created_at, id), newest first. */
    @Override
    @Query("""
            select m from ModelEntity m
            where m.tenantId = :tenantId
              and (m.createdAt < :createdAt or (m.createdAt = :createdAt and m.id < :id))
            order by m.createdAt desc, m.id desc""")
    List<ModelEntity> newestFirstAfter(@Param("tenantId") UUID tenantId, @Param("createdAt") Instant createdAt,
                                       @Param("id") UUID id, Limit limit);
}
