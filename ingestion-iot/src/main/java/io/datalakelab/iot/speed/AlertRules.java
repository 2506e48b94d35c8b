package io.datalakelab.iot.speed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.datalakelab.core.schema.SensorReading;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The speed layer's rules, read from a YAML file ({@code rules/default.yaml} is built in and documents the format),
 * and their evaluation against one reading and the device's remembered state. Derived measurements are added
 * before the rules run: {@code bmi} = weight / height² for readings that carry both.
 */
public final class AlertRules {

    public static final String BUILT_IN = "rules/default.yaml";

    private final List<AlertRule> rules;

    public AlertRules(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
        Set<String> ids = new HashSet<>();
        rules.forEach(r -> {
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException("rule id '" + r.id() + "' is used twice");
            }
        });
    }

    public List<AlertRule> rules() {
        return rules;
    }

    public static AlertRules builtIn() {
        try (InputStream in = AlertRules.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the classpath");
            }
            return parse(in.readAllBytes(), "built-in " + BUILT_IN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AlertRules load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the rules file: " + e.getMessage());
        }
    }

    public static AlertRules parse(byte[] yaml, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.has("rules") || !root.get("rules").isArray()) {
            throw new IllegalArgumentException(source + ": rules: is missing (a list of rules)");
        }
        List<AlertRule> rules = new ArrayList<>();
        for (int i = 0; i < root.get("rules").size(); i++) {
            rules.add(rule(root.get("rules").get(i), source + ": rules[" + i + "]"));
        }
        try {
            return new AlertRules(rules);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }

    private static AlertRule rule(JsonNode node, String where) {
        Set<String> known = Set.of("id", "description", "severity", "deviceType", "measurement", "above", "below", "anomaly", "stuck", "fire");
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                throw new IllegalArgumentException(where + "." + f + ": is not a known entry; known: " + String.join(", ", known.stream().sorted().toList()));
            }
        });
        String id = text(node, where, "id", null);
        String at = where + " (" + id + ")";
        String measurement = text(node, at, "measurement", null);
        List<String> kinds = java.util.stream.Stream.of("above", "below", "anomaly", "stuck").filter(node::has).toList();
        if (kinds.size() != 1) {
            throw new IllegalArgumentException(at + ": needs exactly one of above, below, anomaly, stuck; has " + kinds);
        }
        AlertRule.Kind kind = AlertRule.Kind.valueOf(kinds.get(0).toUpperCase(Locale.ROOT));
        double threshold = 0;
        double alpha = 0;
        int warmup = 0;
        int stuck = 0;
        switch (kind) {
            case ABOVE, BELOW -> threshold = number(node.get(kinds.get(0)), at + "." + kinds.get(0));
            case ANOMALY -> {
                JsonNode a = node.get("anomaly");
                threshold = a.has("zScore") ? number(a.get("zScore"), at + ".anomaly.zScore") : 4;
                alpha = a.has("alpha") ? number(a.get("alpha"), at + ".anomaly.alpha") : 0.05;
                warmup = a.has("warmup") ? (int) number(a.get("warmup"), at + ".anomaly.warmup") : 30;
                if (threshold <= 0 || alpha <= 0 || alpha >= 1 || warmup < 2) {
                    throw new IllegalArgumentException(at + ".anomaly: needs zScore > 0, 0 < alpha < 1, warmup >= 2");
                }
            }
            case STUCK -> {
                JsonNode s = node.get("stuck");
                stuck = s.has("readings") ? (int) number(s.get("readings"), at + ".stuck.readings") : 10;
                if (stuck < 2) {
                    throw new IllegalArgumentException(at + ".stuck.readings: must be at least 2");
                }
            }
        }
        AlertRule.Fire fire = kind == AlertRule.Kind.ANOMALY ? AlertRule.Fire.EVERY : AlertRule.Fire.ONSET;
        if (node.has("fire")) {
            fire = enumValue(AlertRule.Fire.class, node.get("fire").asText(), at + ".fire");
        }
        AlertRule.Severity severity = node.has("severity")
                ? enumValue(AlertRule.Severity.class, node.get("severity").asText(), at + ".severity") : AlertRule.Severity.WARNING;
        String deviceType = node.has("deviceType") ? text(node, at, "deviceType", null) : null;
        return new AlertRule(id, text(node, at, "description", ""), severity, deviceType, measurement, kind, threshold, alpha, warmup,
                stuck, fire);
    }

    /**
     * The alerts {@code reading} raises, given what the device's previous readings left in {@code state} (which this
     * updates). Rules whose measurement the reading lacks are skipped.
     */
    public List<Alert> evaluate(SensorReading reading, DeviceAlertState state) {
        Map<String, Double> values = withDerived(reading.values());
        List<Alert> alerts = new ArrayList<>();
        for (AlertRule rule : rules) {
            Double value = values.get(rule.measurement());
            if (value == null || !rule.appliesTo(reading.deviceType())) {
                continue;
            }
            String condition = switch (rule.kind()) {
                case ABOVE -> value > rule.threshold() ? "above " + format(rule.threshold()) : null;
                case BELOW -> value < rule.threshold() ? "below " + format(rule.threshold()) : null;
                case ANOMALY -> anomaly(rule, value, state);
                case STUCK -> stuck(rule, value, state);
            };
            boolean wasActive = state.active().contains(rule.id());
            if (condition == null) {
                state.active().remove(rule.id());
                continue;
            }
            state.active().add(rule.id());
            if (rule.fire() == AlertRule.Fire.EVERY || !wasActive) {
                alerts.add(Alert.of(rule, reading, value, condition));
            }
        }
        return alerts;
    }

    /** The reading's values plus the derived ones: {@code bmi} from {@code weight} (kg) and {@code height} (m). */
    public static Map<String, Double> withDerived(Map<String, Double> values) {
        Double weight = values.get("weight");
        Double height = values.get("height");
        if (weight == null || height == null || height <= 0) {
            return values;
        }
        Map<String, Double> out = new LinkedHashMap<>(values);
        out.put("bmi", Math.round(weight / (height * height) * 100) / 100.0);
        return out;
    }

    private static String anomaly(AlertRule rule, double value, DeviceAlertState state) {
        String key = rule.measurement();
        DeviceAlertState.RunningStats s = state.averages().getOrDefault(key, new DeviceAlertState.RunningStats(0, value, 0));
        String condition = null;
        double std = Math.sqrt(s.variance());
        if (s.count() >= rule.warmup() && std > 1e-9) {
            double z = Math.abs(value - s.mean()) / std;
            if (z > rule.threshold()) {
                condition = String.format(Locale.ROOT, "z-score %.1f above %s (running mean %.3f, sd %.3f)", z, format(rule.threshold()), s.mean(), std);
            }
        }
        double diff = value - s.mean();
        double mean = s.count() == 0 ? value : s.mean() + rule.alpha() * diff;
        double variance = s.count() == 0 ? 0 : (1 - rule.alpha()) * (s.variance() + rule.alpha() * diff * diff);
        state.averages().put(key, new DeviceAlertState.RunningStats(s.count() + 1, mean, variance));
        return condition;
    }

    private static String stuck(AlertRule rule, double value, DeviceAlertState state) {
        String key = rule.measurement();
        DeviceAlertState.Repeat last = state.repeats().get(key);
        DeviceAlertState.Repeat now = last != null && last.value() == value ? new DeviceAlertState.Repeat(value, last.times() + 1)
                : new DeviceAlertState.Repeat(value, 1);
        state.repeats().put(key, now);
        return now.times() >= rule.stuckReadings() ? "unchanged for " + now.times() + " readings" : null;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String text(JsonNode node, String where, String field, String fallback) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            if (fallback != null) {
                return fallback;
            }
            throw new IllegalArgumentException(where + "." + field + ": is missing");
        }
        return v.asText();
    }

    private static double number(JsonNode v, String where) {
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException(where + ": must be a number, was " + v);
        }
        return v.doubleValue();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String where) {
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": must be one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
                    + ", was '" + text + "'");
        }
    }
}
