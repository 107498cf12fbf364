package io.condenser.engine.train;

/**
 * The shape of the learning rate over a run, optionally after a linear warm-up.
 *
 * @param stepEpochs  for {@link ScheduleKind#STEP}: the rate is multiplied by {@code gamma} after every this many
 *                    epochs
 * @param gamma       for {@link ScheduleKind#STEP}: the factor, in (0, 1]
 * @param warmupSteps the first this many optimizer steps ramp the rate linearly from base/warmupSteps up to the
 *                    scheduled rate; 0 for none
 */
public record LearningRateSchedule(ScheduleKind kind, int stepEpochs, double gamma, int warmupSteps) {

    public LearningRateSchedule {
        if (kind == null) {
            throw new IllegalArgumentException("a schedule kind is required");
        }
        if (kind == ScheduleKind.STEP && stepEpochs < 1) {
            throw new IllegalArgumentException("a step schedule needs stepEpochs of at least 1; it is " + stepEpochs);
        }
        if (kind == ScheduleKind.STEP && !(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("a step schedule needs gamma in (0, 1]; it is " + gamma);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be 0 or more; it is " + warmupSteps);
        }
    }

    public static LearningRateSchedule constant() {
        return new LearningRateSchedule(ScheduleKind.CONSTANT, 0, 1, 0);
    }

    public static LearningRateSchedule step(int everyEpochs, double gamma) {
        return new LearningRateSchedule(ScheduleKind.STEP, everyEpochs, gamma, 0);
    }

    public static LearningRateSchedule cosine() {
        return new LearningRateSchedule(ScheduleKind.COSINE, 0, 1, 0);
    }

    public LearningRateSchedule withWarmup(int steps) {
        return new LearningRateSchedule(kind, stepEpochs, gamma, steps);
    }
}
