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
    @Query("select d from DatasetEntity d where d.id = :id")
    Optional<DatasetEntity> findForUpdate(@Param("id") UUID id);

    @Override
    @Query("select d from DatasetEntity d order by d.createdAt desc, d.id desc")
    List<DatasetEntity> newestFirst(Limit limit);

    /** The page after a keyset cursor (created_at, id), newest first. */
    @Override
    @Query("""
            select d from DatasetEntity d
            where d.createdAt < :createdAt or (d.createdAt = :createdAt and d.id < :id)
            order by d.createdAt desc, d.id desc""")
    List<DatasetEntity> newestFirstAfter(@Param("createdAt") Instant createdAt, @Param("id") UUID id, Limit limit);
}
