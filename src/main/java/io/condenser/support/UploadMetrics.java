package io.condenser.support;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/** The size of accepted uploads, by kind of resource, as one metric. */
public final class UploadMetrics {

    private UploadMetrics() {
    }

    public static DistributionSummary bytes(MeterRegistry registry, String kind) {
        return DistributionSummary.builder("condenser.upload.bytes").baseUnit("bytes")
                .description("Bytes of accepted uploads").tag("kind", kind).register(registry);
    }
}
