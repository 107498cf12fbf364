package io.condenser.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** One measured number of a job: what it describes (subject), its name, unit and, where it applies, batch or step. */
@Entity
@Table(name = "job_metrics")
public class JobMetricEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "job_id", nullable = false)
    private UUID jobId;

    @Column(nullable = false)
    private String subject;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String unit;

    @Column(name = "batch_size")
    private Integer batchSize;

    @Column(name = "step_index")
    private Integer stepIndex;

    @Column(name = "step_type")
    private String stepType;

    @Column(nullable = false)
    private double value;

    protected JobMetricEntity() {
    }

    public JobMetricEntity(UUID jobId, MetricSubject subject, String name, String unit, Integer batchSize,
                           Integer stepIndex, String stepType, double value) {
        this.jobId = jobId;
        this.subject = subject.wireName();
        this.name = name;
        this.unit = unit;
        this.batchSize = batchSize;
        this.stepIndex = stepIndex;
        this.stepType = stepType;
        this.value = value;
    }

    public UUID getJobId() {
        return jobId;
    }

    public MetricSubject getSubject() {
        return MetricSubject.fromWire(subject);
    }

    public String getName() {
        return name;
    }

    public String getUnit() {
        return unit;
    }

    public Integer getBatchSize() {
        return batchSize;
    }

    public Integer getStepIndex() {
        return stepIndex;
    }

    public String getStepType() {
        return stepType;
    }

    public double getValue() {
        return value;
    }
}
