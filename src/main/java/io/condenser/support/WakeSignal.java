package io.condenser.support;

import java.time.Duration;

/**
 * The sleep of a polling loop that a notification cuts short: a loop waits up to its poll interval unless someone
 * (a LISTEN/NOTIFY message, a finished job, shutdown) wakes it first. A wake that comes while the loop is busy is not
 * lost: the next wait returns at once.
 */
public final class WakeSignal {

    private final Object lock = new Object();
    private boolean requested;

    /**
     * Waits until woken or until the timeout passes.
     *
     * @return false when the waiting thread was interrupted (its interrupt flag is set again): the loop should end
     */
    public boolean await(Duration timeout) {
        synchronized (lock) {
            try {
                if (!requested) {
                    lock.wait(timeout.toMillis());
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                requested = false;
            }
        }
    }

    public void wake() {
        synchronized (lock) {
            requested = true;
            lock.notifyAll();
        }
    }

    /** A daemon thread (not started): background loops must never keep the JVM alive on their own. */
    public static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
