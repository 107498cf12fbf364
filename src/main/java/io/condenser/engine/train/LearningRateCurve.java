package io.condenser.engine.train;

import ai.djl.training.tracker.Tracker;

/**
 * The learning rate of every optimizer step of one run, as a pure function of the step's index over the whole run.
 * DJL's own trackers do not fit: its factor tracker decays on every update instead of every n epochs, its multi-factor
 * tracker changes its own state as it is asked (it cannot be asked again for a report, nor started mid-run), and
 * neither knows where a resumed run stands. This one is told the steps already taken before a resume.
 */
final class LearningRateCurve implements Tracker {

    private final double baseRate;
    private final LearningRateSchedule schedule;
    private final int stepsPerEpoch;
    private final long totalSteps;
    private final long stepsBefore;

    /**
     * @param stepsBefore steps taken before the optimizer using this curve was created (a resumed run's); DJL's
     *                    optimizers count their own updates from 1
     */
    LearningRateCurve(double baseRate, LearningRateSchedule schedule, int stepsPerEpoch, long totalSteps,
                      long stepsBefore) {
        this.baseRate = baseRate;
        this.schedule = schedule;
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = totalSteps;
        this.stepsBefore = stepsBefore;
    }

    /** The rate of the step with this index (0 is the run's first step). */
    double rateAt(long step) {
        double scheduled = switch (schedule.kind()) {
            case CONSTANT -> baseRate;
            case STEP -> baseRate * Math.pow(schedule.gamma(), (step / stepsPerEpoch) / schedule.stepEpochs());
            case COSINE -> {
                long warmup = schedule.warmupSteps();
                double progress = (double) Math.max(0, step - warmup) / Math.max(1, totalSteps - warmup);
                yield baseRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
            }
        };
        if (step < schedule.warmupSteps()) {
            return scheduled * (step + 1) / schedule.warmupSteps();
        }
        return scheduled;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return (float) rateAt(stepsBefore + numUpdate - 1);
    }
}
