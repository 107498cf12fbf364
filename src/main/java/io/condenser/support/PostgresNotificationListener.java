package io.condenser.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL channels (LISTEN/NOTIFY) on one dedicated connection and hands each notification to a
 * handler. Reconnects after failures; its users poll as well, so a lost connection only delays them.
 */
public final class PostgresNotificationListener implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(PostgresNotificationListener.class);
    private static final int WAIT_MILLIS = 500;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final List<String> channels;
    private final BiConsumer<String, String> handler;
    private volatile boolean active = true;

    public PostgresNotificationListener(DataSource dataSource, List<String> channels,
                                        BiConsumer<String, String> handler) {
        this.dataSource = dataSource;
        this.channels = List.copyOf(channels);
        this.handler = handler;
    }

    public void stop() {
        active = false;
    }

    @Override
    public void run() {
        long backoffMillis = 500;
        while (active) {
            try (Connection connection = dataSource.getConnection()) {
                PGConnection postgres = connection.unwrap(PGConnection.class);
                try (Statement statement = connection.createStatement()) {
                    for (String channel : channels) {
                        statement.execute("LISTEN " + channel);
                    }
                }
                backoffMillis = 500;
                while (active) {
                    PGNotification[] notifications = postgres.getNotifications(WAIT_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            handler.accept(notification.getName(), notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!active) {
                    return;
                }
                log.warn("listening on {} failed ({}); retrying in {} ms", channels, e.getMessage(),
                        backoffMillis);
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
