package io.condenser.testing;

import io.condenser.job.JobCheckpoints;
import io.condenser.job.JobQueue;
import io.condenser.job.JobRunner;
import io.condenser.worker.Worker;
import io.condenser.worker.WorkerProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/** Starts workers inside a test's application context, with leases short enough to watch them expire. */
public final class TestWorkers {

    private TestWorkers() {
    }

    public static Worker start(ApplicationContext context, Duration lease, Duration heartbeat, int maxAttempts,
                               Duration pollInterval) {
        WorkerProperties properties = new WorkerProperties(true, List.of(), 1, 1, lease, heartbeat,
                pollInterval, Duration.ofMillis(250), maxAttempts,
                Path.of(System.getProperty("java.io.tmpdir"), "condenser-test-work"));
        Worker worker = new Worker(context.getBean(JobQueue.class), context.getBean(JobRunner.class), properties,
                context.getBean(DataSource.class), context.getBean(JsonMapper.class), new SimpleMeterRegistry(),
                context.getBean(JobCheckpoints.class));
        worker.start();
        return worker;
    }
}
