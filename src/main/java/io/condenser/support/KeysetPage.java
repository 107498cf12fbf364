package io.condenser.support;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.data.domain.Limit;

/** One page of a newest-first listing and the cursor of the next page, if there is one. */
public record KeysetPage<T>(List<T> items, String nextCursor) {

    public KeysetPage {
        items = List.copyOf(items);
    }

    /**
     * Queries of a tenant's newest-first listing (repositories declare them): the first page, and the page after a
     * cursor.
     */
    public interface Queries<T> {
        List<T> newestFirst(UUID tenantId, Limit limit);

        List<T> newestFirstAfter(UUID tenantId, Instant createdAt, UUID id, Limit limit);
    }

    /**
     * Reads the page of the tenant's items at {@code cursor} (the first page when it is absent).
     *
     * @param position the cursor position of an item
     */
    public static <T> KeysetPage<T> fetch(Queries<T> queries, UUID tenantId, int limit, String cursor,
                                          Function<T, KeysetCursor> position) {
        Limit oneMore = Limit.of(limit + 1);
        List<T> fetched;
        if (cursor == null || cursor.isBlank()) {
            fetched = queries.newestFirst(tenantId, oneMore);
        } else {
            KeysetCursor after = KeysetCursor.decode(cursor);
            fetched = queries.newestFirstAfter(tenantId, after.createdAt(), after.id(), oneMore);
        }
        return of(fetched, limit, position);
    }

    /**
     * The page from a query that fetched one row more than {@code limit}: that extra row tells that a next page exists.
     */
    public static <T> KeysetPage<T> of(List<T> fetched, int limit, Function<T, KeysetCursor> position) {
        if (fetched.size() <= limit) {
            return new KeysetPage<>(fetched, null);
        }
        return new KeysetPage<>(fetched.subList(0, limit), position.apply(fetched.get(limit - 1)).encode());
    }
}
