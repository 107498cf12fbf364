package io.condenser.worker;

import io.condenser.engine.eval.EngineCapabilities;
import io.condenser.engine.eval.ExecutionDevice;
import io.condenser.job.Device;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The devices this worker serves: those configured, each checked against what the loaded engine can really use, or
 * all usable ones when none are configured. A GPU is never assumed.
 */
public record WorkerCapabilities(Set<Device> devices) {

    public static WorkerCapabilities detect(List<String> configured) {
        Set<ExecutionDevice> usable = EngineCapabilities.devices();
        Set<Device> devices = EnumSet.noneOf(Device.class);
        if (configured.isEmpty()) {
            usable.forEach(d -> devices.add(Device.valueOf(d.name())));
        } else {
            for (String name : configured) {
                ExecutionDevice device = ExecutionDevice.valueOf(name.toUpperCase(Locale.ROOT));
                if (!usable.contains(device)) {
                    throw new IllegalStateException("condenser.worker.devices names " + name
                            + ", but the engine cannot use it here (usable: " + usable + ")");
                }
                devices.add(Device.valueOf(device.name()));
            }
        }
        return new WorkerCapabilities(devices);
    }

    /** The device a job that says "auto" runs on: the GPU when this worker has one. */
    public Device preferred() {
        return devices.contains(Device.GPU) ? Device.GPU : Device.CPU;
    }
}
