package io.datalakelab.core.config;

import java.util.Set;
import java.util.function.Predicate;

/** A constraint on a parsed value; {@link #check} returns the problem or {@code null} when the value is fine. */
public record ConfigRule<T>(String description, Predicate<T> accepts) {

    public String check(T value) {
        return accepts.test(value) ? null : "must be " + description;
    }

    public static <N extends Number & Comparable<N>> ConfigRule<N> atLeast(N min) {
        return new ConfigRule<>(">= " + min, v -> v.compareTo(min) >= 0);
    }

    public static <N extends Number & Comparable<N>> ConfigRule<N> between(N min, N max) {
        return new ConfigRule<>("between " + min + " and " + max, v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0);
    }

    public static ConfigRule<String> oneOf(Set<String> values) {
        return new ConfigRule<>("one of " + values, values::contains);
    }

    public static ConfigRule<String> nonBlank() {
        return new ConfigRule<>("non-empty", s -> !s.isBlank());
    }

    public static ConfigRule<java.util.List<String>> nonEmptyList() {
        return new ConfigRule<>("a non-empty list", l -> !l.isEmpty());
    }

    public static ConfigRule<java.time.Duration> positiveDuration() {
        return new ConfigRule<>("positive", d -> !d.isNegative() && !d.isZero());
    }
}
