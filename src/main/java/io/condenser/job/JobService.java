package io.condenser.job;

import io.condenser.dataset.DatasetService;
import io.condenser.model.ModelEntity;
import io.condenser.model.ModelFormat;
import io.condenser.model.ModelService;
import io.condenser.problem.FieldProblem;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.security.TenantQuotas;
import io.condenser.storage.ArtifactStore;
import io.condenser.support.IdempotencyKeys;
import io.condenser.support.KeysetCursor;
import io.condenser.support.Submitted;
import io.condenser.support.KeysetPage;
import jakarta.persistence.criteria.Predicate;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Submitting, reading, listing and cancelling jobs. */
@Service
public class JobService {

    private final JobRepository jobs;
    private final JobMetricRepository metrics;
    private final JobQueue queue;
    private final JobPlanner planner;
    private final ModelService models;
    private final DatasetService datasets;
    private final ArtifactStore store;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final int maxAttempts;
    private final IdempotencyKeys idempotencyKeys;
    private final TenantQuotas quotas;
    private final JobWebhooks webhooks;
    private final JobStatusChanges statusChanges;

    public JobService(JobRepository jobs, JobMetricRepository metrics, JobQueue queue, JobPlanner planner,
                      ModelService models, DatasetService datasets, ArtifactStore store,
                      TransactionTemplate transactions, JsonMapper json,
                      @Value("${condenser.worker.max-attempts}") int maxAttempts, IdempotencyKeys idempotencyKeys,
                      TenantQuotas quotas, JobWebhooks webhooks, JobStatusChanges statusChanges) {
        this.idempotencyKeys = idempotencyKeys;
        this.quotas = quotas;
        this.webhooks = webhooks;
        this.statusChanges = statusChanges;
        this.jobs = jobs;
        this.metrics = metrics;
        this.queue = queue;
        this.planner = planner;
        this.models = models;
        this.datasets = datasets;
        this.store = store;
        this.transactions = transactions;
        this.json = json;
        this.maxAttempts = maxAttempts;
    }

    /**
     * Checks the spec, then checks it against the model and its datasets, which must be the tenant's (another
     * tenant's are answered like ids that do not exist), then queues the job, if the tenant's concurrent-jobs quota
     * allows, and announces it to the workers. Nothing is written unless every check passed.
     */
    public Submitted<JobEntity> submit(UUID tenantId, JobSpecDocument spec, IdempotencyKeys.Key key)
            throws IOException {
        PlannedJob plan = planner.plan(spec);
        String secret = spec.webhook() == null ? null : spec.webhook().secret();
        // The secret is not part of the normalized spec, but a retry with another secret is another request.
        String fingerprint = secret == null ? IdempotencyKeys.fingerprint(json.writeValueAsString(plan.normalized()))
                : IdempotencyKeys.fingerprint(json.writeValueAsString(plan.normalized()), secret);
        try {
            return idempotencyKeys.createOnce(key, fingerprint, earlier -> jobs.findByIdAndTenantId(earlier, tenantId),
                    () -> { }, () -> queue(tenantId, plan, spec, key, fingerprint));
        } catch (DataIntegrityViolationException e) {
            // The model or a dataset was deleted between the checks and the insert (its foreign key refused the row).
            throw new ProblemException(ProblemType.INVALID_JOB_SPEC, "the model or a dataset of the job was deleted"
                    + " while the job was being submitted");
        }
    }

    private JobEntity queue(UUID tenantId, PlannedJob plan, JobSpecDocument spec, IdempotencyKeys.Key key,
                            String fingerprint) throws IOException {
        webhooks.check(spec.webhook());
        ModelEntity model = models.findById(tenantId, spec.modelId()).orElseThrow(() -> unknownModel(spec.modelId()));
        try (JobDatasets opened = JobDatasets.open(tenantId, plan, datasets, store, ProblemType.INVALID_JOB_SPEC)) {
            if (model.getFormat() == ModelFormat.TORCHSCRIPT) {
                planner.checkApplicableToTorchScript(plan, opened);
            } else {
                try (ArtifactStore.LocalCopy copy = models.localCopy(model)) {
                    planner.checkApplicable(plan, models.readModel(model, copy.path()), opened);
                }
            }
        }
        JobEntity job = new JobEntity(UUID.randomUUID(), tenantId, model.getId(), plan.device(),
                json.writeValueAsString(plan.normalized()), maxAttempts, Instant.now().truncatedTo(ChronoUnit.MICROS));
        return transactions.execute(status -> {
            quotas.reserveJobSlot(tenantId);
            JobEntity saved = jobs.saveAndFlush(job);
            plan.datasetIds().forEach(datasetId -> jobs.recordDatasetRead(saved.getId(), datasetId));
            webhooks.register(saved.getId(), plan.normalized().webhook(),
                    spec.webhook() == null ? null : spec.webhook().secret());
            statusChanges.record(JobSnapshot.of(saved));
            idempotencyKeys.remember(key, fingerprint, saved.getId());
            queue.announce(plan.device());
            return saved;
        });
    }

    /** @throws ProblemException NOT_FOUND, for another tenant's job too */
    public JobEntity get(UUID tenantId, UUID id) {
        return jobs.findByIdAndTenantId(id, tenantId).orElseThrow(() -> ProblemException.notFound("job", id));
    }

    /** The metric rows of each of the given jobs, read in one query. */
    public Map<UUID, List<JobMetricEntity>> metrics(Collection<UUID> jobIds) {
        return metrics.findByJobIdInOrderById(jobIds).stream()
                .collect(Collectors.groupingBy(JobMetricEntity::getJobId));
    }

    public JobSpecDocument spec(JobEntity job) {
        return json.readValue(job.getSpec(), JobSpecDocument.class);
    }

    public JobError error(JobEntity job) {
        return job.getError() == null ? null : json.readValue(job.getError(), JobError.class);
    }

    public KeysetPage<JobEntity> list(UUID tenantId, JobStatus status, UUID modelId, int limit, String cursor) {
        KeysetCursor after = cursor == null || cursor.isBlank() ? null : KeysetCursor.decode(cursor);
        Specification<JobEntity> filter = (root, query, cb) -> {
            List<Predicate> predicates = new ArrayList<>();
            predicates.add(cb.equal(root.get("tenantId"), tenantId));
            if (status != null) {
                predicates.add(cb.equal(root.get("status"), status));
            }
            if (modelId != null) {
                predicates.add(cb.equal(root.get("modelId"), modelId));
            }
            if (after != null) {
                predicates.add(cb.or(cb.lessThan(root.get("createdAt"), after.createdAt()),
                        cb.and(cb.equal(root.get("createdAt"), after.createdAt()),
                                cb.lessThan(root.<UUID>get("id"), after.id()))));
            }
            return cb.and(predicates.toArray(Predicate[]::new));
        };
        List<JobEntity> page = jobs.findBy(filter, q -> q.sortBy(Sort.by(Sort.Direction.DESC, "createdAt", "id"))
                .limit(limit + 1).all());
        return KeysetPage.of(page, limit, j -> new KeysetCursor(j.getCreatedAt(), j.getId()));
    }

    /** Cancels a queued job, or asks the worker of a running one to stop. Repeating a pending request is harmless. */
    public JobEntity cancel(UUID tenantId, UUID id) {
        get(tenantId, id);
        boolean requested = queue.requestCancel(id).isPresent();
        JobEntity job = get(tenantId, id);
        if (!requested && job.getStatus().isTerminal()) {
            throw new ProblemException(ProblemType.JOB_FINISHED, "job " + id + " already finished with status "
                    + job.getStatus());
        }
        return job;
    }

    private static ProblemException unknownModel(UUID modelId) {
        return new ProblemException(ProblemType.INVALID_JOB_SPEC, "no model with id " + modelId,
                List.of(new FieldProblem("modelId", "no model with this id")));
    }
}
