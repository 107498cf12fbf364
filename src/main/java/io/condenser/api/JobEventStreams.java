package io.condenser.api;

import io.condenser.job.JobEventLog;
import io.condenser.job.JobEventQueries;
import io.condenser.problem.ProblemException;
import io.condenser.problem.ProblemType;
import io.condenser.support.PostgresNotificationListener;
import io.condenser.support.WakeSignal;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Server-Sent Event streams of jobs' events served by this process, without a thread per stream: each stream is
 * an {@link SseEmitter} (the request thread goes back to Tomcat), and a few sender threads read a stream's new events
 * and write them when the database announces an event of its job. Workers are other processes, so the announcement is
 * a PostgreSQL notification (the insert trigger of job_events); a poll catches what a lost listening connection missed.
 * Idle streams get comment lines, and a stream ends after the event of its job's end.
 */
@Component
@ConditionalOnProperty(name = "condenser.api.enabled", havingValue = "true", matchIfMissing = true)
class JobEventStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);
    private static final int BATCH = 500;

    private final JobEventQueries queries;
    private final ApiMapper mapper;
    private final JsonMapper json;
    private final DataSource dataSource;
    private final JobEventStreamProperties properties;
    private final Map<UUID, Set<Stream>> streamsByJob = new ConcurrentHashMap<>();
    /** Streams open in all and per tenant, guarded by this. */
    private int openStreams;
    private final Map<UUID, Integer> openStreamsByTenant = new HashMap<>();
    private volatile boolean running;
    private ExecutorService senders;
    private ScheduledExecutorService timers;
    private PostgresNotificationListener listener;

    /** One client's stream. Its emitter is written to by one sender at a time (under the stream's lock). */
    private static final class Stream {
        final UUID tenantId;
        final UUID jobId;
        final SseEmitter emitter;
        final AtomicBoolean pumpPending = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();
        volatile long lastId;
        volatile long lastWriteNanos = System.nanoTime();

        Stream(UUID tenantId, UUID jobId, SseEmitter emitter, long lastId) {
            this.tenantId = tenantId;
            this.jobId = jobId;
            this.emitter = emitter;
            this.lastId = lastId;
        }
    }

    JobEventStreams(JobEventQueries queries, ApiMapper mapper, JsonMapper json, DataSource dataSource,
                    JobEventStreamProperties properties) {
        this.queries = queries;
        this.mapper = mapper;
        this.json = json;
        this.dataSource = dataSource;
        this.properties = properties;
    }

    /**
     * Opens a stream of a job's events after {@code afterId} (0: all of them) for a tenant's client.
     *
     * @throws ProblemException TOO_MANY_EVENT_STREAMS when this process serves as many as it may, in all or to the
     *                          tenant
     */
    SseEmitter open(UUID tenantId, UUID jobId, long afterId) {
        if (!running) {
            throw tooManyStreams("this replica is shutting down; retry");
        }
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        // Read before a slot is taken: a failing query must not keep one.
        if (afterId > 0 && queries.endedBy(jobId, afterId)) {
            // The client has the event of the job's end already: nothing will follow.
            emitter.complete();
            return emitter;
        }
        takeSlot(tenantId);
        Stream stream = new Stream(tenantId, jobId, emitter, afterId);
        emitter.onCompletion(() -> close(stream));
        emitter.onTimeout(() -> close(stream));
        emitter.onError(error -> close(stream));
        // Registered before the first read: an event committed from now on is announced to it, or read by that read.
        streamsByJob.compute(jobId, (id, streams) -> {
            Set<Stream> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            set.add(stream);
            return set;
        });
        requestPump(stream);
        return emitter;
    }

    /** Counts a stream of the tenant, or refuses it when this process serves as many as it may. */
    private synchronized void takeSlot(UUID tenantId) {
        if (openStreams >= properties.maxStreams()) {
            throw tooManyStreams("this replica serves " + properties.maxStreams() + " event streams already; retry"
                    + " later");
        }
        int tenantStreams = openStreamsByTenant.getOrDefault(tenantId, 0);
        if (tenantStreams >= properties.maxStreamsPerTenant()) {
            throw tooManyStreams("this replica serves " + properties.maxStreamsPerTenant() + " event streams of"
                    + " this tenant already; retry later");
        }
        openStreams++;
        openStreamsByTenant.put(tenantId, tenantStreams + 1);
    }

    private synchronized void releaseSlot(UUID tenantId) {
        openStreams--;
        openStreamsByTenant.computeIfPresent(tenantId, (id, open) -> open == 1 ? null : open - 1);
    }

    private ProblemException tooManyStreams(String detail) {
        return new ProblemException(ProblemType.TOO_MANY_EVENT_STREAMS, detail).header(HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, properties.retryAfter().toSeconds())));
    }

    private void close(Stream stream) {
        if (stream.closed.compareAndSet(false, true)) {
            releaseSlot(stream.tenantId);
            streamsByJob.computeIfPresent(stream.jobId, (id, streams) -> {
                streams.remove(stream);
                return streams.isEmpty() ? null : streams;
            });
        }
    }

    /** Has a sender write the stream's new events, unless one is about to. */
    private void requestPump(Stream stream) {
        if (!stream.closed.get() && stream.pumpPending.compareAndSet(false, true)) {
            try {
                senders.execute(() -> pump(stream));
            } catch (RejectedExecutionException e) {
                stream.pumpPending.set(false);
            }
        }
    }

    private void pump(Stream stream) {
        synchronized (stream) {
            // Cleared before reading: an announcement arriving during the read schedules another pump.
            stream.pumpPending.set(false);
            try {
                List<JobEventQueries.StoredEvent> batch;
                do {
                    if (stream.closed.get()) {
                        return;
                    }
                    batch = queries.after(stream.jobId, stream.lastId, BATCH);
                    for (JobEventQueries.StoredEvent event : batch) {
                        stream.emitter.send(SseEmitter.event().id(Long.toString(event.id())).name(event.type())
                                .data(json.writeValueAsString(mapper.event(event))));
                        stream.lastId = event.id();
                        stream.lastWriteNanos = System.nanoTime();
                        if (event.terminal()) {
                            stream.emitter.complete();
                            close(stream);
                            return;
                        }
                    }
                } while (batch.size() == BATCH);
            } catch (IOException | IllegalStateException e) {
                // The client went away (the container reports it to the emitter) or the emitter timed out.
                close(stream);
            } catch (RuntimeException e) {
                log.warn("reading the events of job {} failed ({}); the next poll retries", stream.jobId,
                        e.getMessage());
            }
        }
    }

    private void keepAlive() {
        long silentNanos = properties.keepAlive().toNanos();
        try {
            forEachStream(stream -> {
                if (System.nanoTime() - stream.lastWriteNanos >= silentNanos) {
                    senders.execute(() -> sendKeepAlive(stream, silentNanos));
                }
            });
        } catch (RejectedExecutionException e) {
            // Shutting down: the streams are being ended.
        }
    }

    private void sendKeepAlive(Stream stream, long silentNanos) {
        synchronized (stream) {
            if (!stream.closed.get() && System.nanoTime() - stream.lastWriteNanos >= silentNanos) {
                try {
                    stream.emitter.send(SseEmitter.event().comment("keep-alive"));
                    stream.lastWriteNanos = System.nanoTime();
                } catch (IOException | IllegalStateException e) {
                    close(stream);
                }
            }
        }
    }

    /** The fallback for missed announcements: streams behind their job's newest event read again. */
    private void poll() {
        try {
            Map<UUID, Long> newest = queries.newestIds(Set.copyOf(streamsByJob.keySet()));
            forEachStream(stream -> {
                Long newestId = newest.get(stream.jobId);
                if (newestId != null && newestId > stream.lastId) {
                    requestPump(stream);
                }
            });
        } catch (RuntimeException e) {
            log.warn("polling for job events failed: {}", e.getMessage());
        }
    }

    private void onNotification(String channel, String jobId) {
        Set<Stream> streams = streamsByJob.get(UUID.fromString(jobId));
        if (streams != null) {
            streams.forEach(this::requestPump);
        }
    }

    private void forEachStream(Consumer<Stream> action) {
        streamsByJob.values().forEach(streams -> streams.forEach(action));
    }

    @Override
    public void start() {
        AtomicInteger number = new AtomicInteger();
        senders = Executors.newFixedThreadPool(properties.senderThreads(),
                runnable -> WakeSignal.daemon(runnable, "condenser-event-sender-" + number.incrementAndGet()));
        timers = Executors.newSingleThreadScheduledExecutor(
                runnable -> WakeSignal.daemon(runnable, "condenser-event-timers"));
        timers.scheduleWithFixedDelay(this::poll, properties.pollInterval().toMillis(),
                properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        long keepAliveCheck = Math.max(1, properties.keepAlive().toMillis() / 2);
        timers.scheduleWithFixedDelay(this::keepAlive, keepAliveCheck, keepAliveCheck, TimeUnit.MILLISECONDS);
        listener = new PostgresNotificationListener(dataSource, List.of(JobEventLog.CHANNEL), this::onNotification);
        WakeSignal.daemon(listener, "condenser-event-listener").start();
        running = true;
    }

    /** Ends every stream before the web server drains its requests; clients reconnect (to another replica). */
    @Override
    public void stop() {
        running = false;
        listener.stop();
        timers.shutdownNow();
        forEachStream(stream -> {
            stream.emitter.complete();
            close(stream);
        });
        senders.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

}
