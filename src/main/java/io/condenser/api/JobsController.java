package io.condenser.api;

import io.condenser.api.generated.JobsApi;
import io.condenser.api.generated.dto.Job;
import io.condenser.api.generated.dto.JobPage;
import io.condenser.api.generated.dto.JobSpec;
import io.condenser.api.generated.dto.JobStatus;
import io.condenser.job.JobEntity;
import io.condenser.job.JobService;
import io.condenser.security.CurrentCaller;
import io.condenser.support.IdempotencyKeys;
import io.condenser.support.KeysetPage;
import io.condenser.support.Submitted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
@ConditionalOnProperty(name = "condenser.api.enabled", havingValue = "true", matchIfMissing = true)
class JobsController implements JobsApi {

    private final JobService jobs;
    private final ApiMapper mapper;
    private final CurrentCaller caller;

    JobsController(JobService jobs, ApiMapper mapper, CurrentCaller caller) {
        this.jobs = jobs;
        this.mapper = mapper;
        this.caller = caller;
    }

    @Override
    public ResponseEntity<Job> createJob(JobSpec jobSpec, String idempotencyKey) {
        try {
            UUID tenantId = caller.tenantId();
            Submitted<JobEntity> submitted = jobs.submit(tenantId, mapper.spec(jobSpec),
                    IdempotencyKeys.of(tenantId, "jobs", idempotencyKey));
            JobEntity job = submitted.resource();
            return Replays.mark(ResponseEntity.status(HttpStatus.ACCEPTED), submitted)
                    .location(URI.create("/v1/jobs/" + job.getId())).body(mapper.job(job));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ResponseEntity<JobPage> listJobs(JobStatus status, UUID modelId, Integer limit, String cursor) {
        KeysetPage<JobEntity> page = jobs.list(caller.tenantId(), status == null ? null
                : io.condenser.job.JobStatus.valueOf(status.getValue()), modelId, limit, cursor);
        return ResponseEntity.ok(new JobPage().items(mapper.jobs(page.items()))
                .nextCursor(page.nextCursor()));
    }

    @Override
    public ResponseEntity<Job> getJob(UUID jobId) {
        return ResponseEntity.ok(mapper.job(jobs.get(caller.tenantId(), jobId)));
    }

    @Override
    public ResponseEntity<Job> cancelJob(UUID jobId) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(mapper.job(jobs.cancel(caller.tenantId(), jobId)));
    }
}
