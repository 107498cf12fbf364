package io.condenser.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * condenser.worker.*: whether this process runs jobs, on what, and how its leases behave.
 *
 * @param devices       devices this worker serves (cpu, gpu); empty: every device the engine reports as usable
 * @param slots         jobs run at once
 * @param engineThreads ONNX Runtime intra-op threads per job; 0: (cores - 1) / slots, at least 1
 * @param lease         how long a claim stays valid without a heartbeat
 * @param heartbeat     how often running jobs' leases are extended (well under {@code lease})
 * @param pollInterval  how often the queue is polled when no notification arrives
 */
@ConfigurationProperties("condenser.worker")
public record WorkerProperties(boolean enabled, List<String> devices, int slots, int engineThreads, Duration lease,
                               Duration heartbeat, Duration pollInterval, Duration reaperInterval, int maxAttempts,
                               Path workDir) {

    public WorkerProperties {
        devices = devices == null ? List.of() : List.copyOf(devices);
        if (slots < 1) {
            throw new IllegalArgumentException("condenser.worker.slots must be at least 1");
        }
        if (heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("condenser.worker.heartbeat must be shorter than condenser.worker.lease");
        }
    }

    /** Threads per job: explicit, or what is left of the cores after one for the service, shared by the slots. */
    public int resolvedEngineThreads(int cores) {
        return engineThreads > 0 ? engineThreads : Math.max(1, (cores - 1) / slots);
    }
}
