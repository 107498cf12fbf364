package io.condenser.engine;

/**
 * How long-running engine work reports progress and learns that it should stop. The engine calls
 * {@link #checkCancelled()} between units of work (nodes, batches, steps).
 */
public interface TaskMonitor {

    /** A monitor that ignores progress and never cancels. */
    TaskMonitor NONE = new TaskMonitor() {
        @Override
        public void progress(double fraction, String message) {
        }

        @Override
        public void checkCancelled() {
        }
    };

    /** @param fraction how much of the current task is done, 0 to 1 */
    void progress(double fraction, String message);

    /** @throws TaskCancelledException when the work should stop */
    void checkCancelled();

    /** This monitor, with progress mapped into the part [from, to] of the whole. */
    default TaskMonitor slice(double from, double to) {
        TaskMonitor whole = this;
        return new TaskMonitor() {
            @Override
            public void progress(double fraction, String message) {
                whole.progress(from + (to - from) * Math.clamp(fraction, 0.0, 1.0), message);
            }

            @Override
            public void checkCancelled() {
                whole.checkCancelled();
            }
        };
    }
}
