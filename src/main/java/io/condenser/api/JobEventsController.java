package io.condenser.api;

import io.condenser.api.generated.EventsApi;
import io.condenser.api.generated.dto.JobEvent;
import io.condenser.job.JobEventQueries;
import io.condenser.job.JobService;
import io.condenser.security.CurrentCaller;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A job's events: as Server-Sent Events (live until the job ends) or, with {@code Accept: application/json}, as the
 * list stored so far. The contract declares both on one operation; the generated method serves the list (its mapping
 * narrowed to JSON here) and a second method the stream.
 */
@RestController
@ConditionalOnProperty(name = "condenser.api.enabled", havingValue = "true", matchIfMissing = true)
class JobEventsController implements EventsApi {

    private static final String LAST_EVENT_ID = "Last-Event-ID";
    /** The most events one list answer holds; a client pages on with Last-Event-ID. */
    private static final int MAX_LISTED = 10_000;

    private final JobService jobs;
    private final JobEventQueries events;
    private final JobEventStreams streams;
    private final ApiMapper mapper;
    private final CurrentCaller caller;

    JobEventsController(JobService jobs, JobEventQueries events, JobEventStreams streams, ApiMapper mapper,
                        CurrentCaller caller) {
        this.caller = caller;
        this.jobs = jobs;
        this.events = events;
        this.streams = streams;
        this.mapper = mapper;
    }

    @Override
    @GetMapping(value = PATH_LIST_JOB_EVENTS, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<List<JobEvent>> listJobEvents(@PathVariable("jobId") UUID jobId,
                                                        @RequestHeader(value = LAST_EVENT_ID, required = false)
                                                        Long lastEventId) {
        jobs.get(caller.tenantId(), jobId);
        return ResponseEntity.ok(events.after(jobId, after(lastEventId), MAX_LISTED).stream().map(mapper::event)
                .toList());
    }

    @GetMapping(value = PATH_LIST_JOB_EVENTS, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<SseEmitter> streamJobEvents(@PathVariable("jobId") UUID jobId,
                                               @RequestHeader(value = LAST_EVENT_ID, required = false)
                                               Long lastEventId) {
        jobs.get(caller.tenantId(), jobId);
        // Not cached, and not buffered by proxies that honour X-Accel-Buffering (nginx).
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("X-Accel-Buffering", "no")
                .body(streams.open(caller.tenantId(), jobId, after(lastEventId)));
    }

    private static long after(Long lastEventId) {
        return lastEventId == null ? 0 : Math.max(0, lastEventId);
    }
}
