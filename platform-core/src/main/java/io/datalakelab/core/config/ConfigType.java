package io.datalakelab.core.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** How the text of a configuration value becomes a typed value, and back. */
public record ConfigType<T>(String description, Function<String, T> parser, Function<T, String> formatter) {

    public static final ConfigType<String> STRING = new ConfigType<>("string", s -> s, s -> s);
    public static final ConfigType<Integer> INT = new ConfigType<>("integer", Integer::parseInt, String::valueOf);
    public static final ConfigType<Long> LONG = new ConfigType<>("long integer", Long::parseLong, String::valueOf);
    public static final ConfigType<Double> DOUBLE = new ConfigType<>("number", Double::parseDouble, String::valueOf);
    public static final ConfigType<Boolean> BOOLEAN = new ConfigType<>("true|false", ConfigType::parseBoolean, String::valueOf);
    public static final ConfigType<List<String>> LIST = new ConfigType<>("comma-separated list",
            s -> s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList(),
            l -> String.join(",", l));
    /** A duration written as ISO-8601 ({@code PT5S}) or as a number with a unit: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 168h}, {@code 7d}. */
    public static final ConfigType<Duration> DURATION = new ConfigType<>("duration (e.g. 500ms, 5s, 2m, 168h, 7d)",
            ConfigType::parseDuration, ConfigType::formatDuration);

    public T parse(String text) {
        return parser.apply(text);
    }

    public String format(T value) {
        return value == null ? "" : formatter.apply(value);
    }

    public static <E extends Enum<E>> ConfigType<E> enumOf(Class<E> type) {
        String names = String.join("|", Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
        return new ConfigType<>(names, s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_')),
                e -> e.name().toLowerCase(Locale.ROOT));
    }

    private static boolean parseBoolean(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(s);
        };
    }

    static Duration parseDuration(String s) {
        if (s.startsWith("P") || s.startsWith("p")) {
            return Duration.parse(s);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        int unitStart = 0;
        while (unitStart < lower.length() && (Character.isDigit(lower.charAt(unitStart)))) {
            unitStart++;
        }
        if (unitStart == 0) {
            throw new IllegalArgumentException(s);
        }
        long amount = Long.parseLong(lower.substring(0, unitStart));
        return switch (lower.substring(unitStart)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException(s);
        };
    }

    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms > 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms > 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms > 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
