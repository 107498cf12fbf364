package io.condenser.job;

/** The names metric rows are stored under (stable: clients may query the table). */
public final class MetricNames {

    public static final String FILE_SIZE = "file_size";
    public static final String PARAMETERS = "parameters";
    public static final String INITIALIZER_BYTES = "initializer_bytes";
    public static final String LATENCY_MEDIAN = "latency_median";
    public static final String LATENCY_P95 = "latency_p95";
    public static final String THROUGHPUT = "throughput";
    public static final String LATENCY_RUNS = "latency_runs";
    public static final String SAMPLES = "samples";
    public static final String COSINE_MEAN = "cosine_mean";
    public static final String COSINE_MIN = "cosine_min";
    public static final String MAX_ABS_DIFF = "max_abs_diff";
    public static final String TOP1_AGREEMENT = "top1_agreement";
    public static final String ACCURACY_SAMPLES = "accuracy_samples";
    public static final String ACCURACY_TOP1 = "accuracy_top1";
    public static final String ACCURACY_TOP5 = "accuracy_top5";
    public static final String DURATION = "duration";
    public static final String WALL_TIME = "wall_time";

    private MetricNames() {
    }
}
