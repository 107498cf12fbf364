package io.condenser.support;

/**
 * The resource a creating request stands for, and whether it was created now or by an earlier request with the same
 * idempotency key (then answered with {@code Idempotent-Replayed: true}).
 */
public record Submitted<T>(T resource, boolean replayed) {

    public static <T> Submitted<T> created(T resource) {
        return new Submitted<>(resource, false);
    }

    public static <T> Submitted<T> replayed(T resource) {
        return new Submitted<>(resource, true);
    }
}
