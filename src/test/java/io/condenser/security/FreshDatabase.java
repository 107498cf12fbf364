package io.condenser.security;

import io.condenser.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** An empty database of its own on the shared test server, for tests that start from nothing. */
final class FreshDatabase {

    private FreshDatabase() {
    }

    /** Creates the database; returns its JDBC URL (same server, user and password as the shared one). */
    static String create() throws SQLException {
        TestPostgres.Connection server = TestPostgres.shared();
        String name = "fresh_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(server.url(), server.username(), server.password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return server.url().replaceFirst("(//[^/]+/)[^/?]*", "$1" + name);
    }
}
