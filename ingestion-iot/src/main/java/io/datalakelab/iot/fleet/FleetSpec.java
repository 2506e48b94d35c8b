package io.datalakelab.iot.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.datalakelab.core.config.ConfigType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A fleet described in a small YAML (or JSON) file: its sites, its device types with their measurements, and the
 * fault rates. {@code fleets/default.yaml} in this module is the lab's fleet and the documented example of the
 * format. A mistake in the file fails the load with the path of the offending entry
 * ({@code types.climate.measurements.temperature.range: ...}).
 */
public record FleetSpec(long seed, List<SiteSpec> sites, List<DeviceTypeSpec> types, FaultSpec faults) {

    public static final String BUILT_IN = "fleets/default.yaml";

    public FleetSpec {
        sites = List.copyOf(sites);
        types = List.copyOf(types);
    }

    public static FleetSpec builtIn() {
        try (InputStream in = FleetSpec.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the classpath");
            }
            return parse(in.readAllBytes(), "built-in " + BUILT_IN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FleetSpec load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new InvalidFleetException(file + ": cannot read the fleet file: " + e.getMessage());
        }
    }

    public static FleetSpec parse(byte[] yamlOrJson, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yamlOrJson);
        } catch (IOException e) {
            throw new InvalidFleetException(source + ": not YAML/JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return new Reader(source).fleet(root);
    }

    public FleetSpec withSeed(long newSeed) {
        return new FleetSpec(newSeed, sites, types, faults);
    }

    public FleetSpec withFaults(FaultSpec newFaults) {
        return new FleetSpec(seed, sites, types, newFaults);
    }

    /** The same fleet at other sites: names replace the file's, coordinates are taken from its sites in turn. */
    public FleetSpec atSites(List<String> names) {
        List<SiteSpec> renamed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            renamed.add(sites.get(i % sites.size()).renamed(names.get(i)));
        }
        return new FleetSpec(seed, renamed, types, faults);
    }

    public DeviceTypeSpec type(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device type '" + name + "' in the fleet"));
    }

    /** Walks the parsed tree, naming the path of every value it rejects. */
    private record Reader(String source) {

        FleetSpec fleet(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw fail("", "the fleet file must be a mapping with 'sites' and 'types'");
            }
            allowOnly(root, "", Set.of("seed", "sites", "types", "faults"));
            long seed = root.has("seed") ? whole(root.get("seed"), "seed") : 1L;
            List<SiteSpec> sites = new ArrayList<>();
            JsonNode siteNodes = required(root, "", "sites");
            if (!siteNodes.isArray() || siteNodes.isEmpty()) {
                throw fail("sites", "must be a non-empty list");
            }
            for (int i = 0; i < siteNodes.size(); i++) {
                sites.add(site(siteNodes.get(i), "sites[" + i + "]"));
            }
            List<DeviceTypeSpec> types = new ArrayList<>();
            JsonNode typeNodes = required(root, "", "types");
            if (!typeNodes.isObject() || typeNodes.isEmpty()) {
                throw fail("types", "must be a non-empty mapping of device type name to its description");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = typeNodes.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                types.add(deviceType(e.getKey(), e.getValue(), "types." + e.getKey()));
            }
            FaultSpec faults = root.has("faults") ? faults(root.get("faults"), "faults") : FaultSpec.NONE;
            return new FleetSpec(seed, sites, types, faults);
        }

        SiteSpec site(JsonNode node, String path) {
            if (node.isTextual()) {
                return new SiteSpec(name(node, path), 0, 0, 0);
            }
            requireObject(node, path);
            allowOnly(node, path, Set.of("name", "latitude", "longitude", "utcOffset"));
            return new SiteSpec(name(required(node, path, "name"), path + ".name"),
                    number(node, path, "latitude", 0, new Range(-90, 90)), number(node, path, "longitude", 0, new Range(-180, 180)),
                    (int) number(node, path, "utcOffset", 0, new Range(-12, 14)));
        }

        DeviceTypeSpec deviceType(String name, JsonNode node, String path) {
            requireName(name, path);
            requireObject(node, path);
            allowOnly(node, path, Set.of("count", "every", "measurements"));
            int count = (int) number(node, path, "count", 1, new Range(0, 100_000));
            Duration every = duration(required(node, path, "every"), path + ".every");
            JsonNode measurementNodes = required(node, path, "measurements");
            if (!measurementNodes.isObject() || measurementNodes.isEmpty()) {
                throw fail(path + ".measurements", "must be a non-empty mapping of measurement name to its model");
            }
            List<MeasurementSpec> measurements = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = measurementNodes.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                measurements.add(measurement(e.getKey(), e.getValue(), path + ".measurements." + e.getKey()));
            }
            return new DeviceTypeSpec(name, count, every, measurements);
        }

        MeasurementSpec measurement(String name, JsonNode node, String path) {
            requireName(name, path);
            requireObject(node, path);
            allowOnly(node, path, Set.of("unit", "kind", "limits", "range", "start", "walk", "daily", "peakHour", "noise",
                    "step", "increment", "relativeTo", "decimals"));
            MeasurementSpec.Kind kind = node.has("kind") ? kind(node.get("kind"), path + ".kind") : MeasurementSpec.Kind.WALK;
            Range limits = range(required(node, path, "limits"), path + ".limits");
            String relativeTo = node.has("relativeTo") ? node.get("relativeTo").asText() : "";
            if (!relativeTo.isEmpty() && !Set.of("latitude", "longitude").contains(relativeTo)) {
                throw fail(path + ".relativeTo", "must be latitude or longitude, was '" + relativeTo + "'");
            }
            Range range = node.has("range") ? range(node.get("range"), path + ".range") : limits;
            Range start = node.has("start") ? range(node.get("start"), path + ".start") : range;
            if (relativeTo.isEmpty()) {
                within(range, limits, path + ".range");
                within(start, limits, path + ".start");
            }
            double stepRate = 0;
            double stepSize = 0;
            if (node.has("step")) {
                JsonNode step = node.get("step");
                requireObject(step, path + ".step");
                allowOnly(step, path + ".step", Set.of("rate", "size"));
                stepRate = number(step, path + ".step", "rate", 0, new Range(0, 1));
                stepSize = number(step, path + ".step", "size", 0, new Range(0, Double.MAX_VALUE));
            }
            Range increment = node.has("increment") ? range(node.get("increment"), path + ".increment") : Range.of(0);
            if (kind == MeasurementSpec.Kind.COUNTER && !node.has("increment")) {
                throw fail(path + ".increment", "a counter needs the [min, max] it grows by per reading");
            }
            return new MeasurementSpec(name, node.has("unit") ? node.get("unit").asText() : "", kind, limits, range, start,
                    number(node, path, "walk", 0, new Range(0, Double.MAX_VALUE)), number(node, path, "daily", 0, new Range(-Double.MAX_VALUE, Double.MAX_VALUE)),
                    number(node, path, "peakHour", 15, new Range(0, 24)), number(node, path, "noise", 0, new Range(0, Double.MAX_VALUE)),
                    stepRate, stepSize, increment, relativeTo, (int) number(node, path, "decimals", 2, new Range(0, 9)));
        }

        FaultSpec faults(JsonNode node, String path) {
            requireObject(node, path);
            allowOnly(node, path, Set.of("spike", "stuck", "drift", "offline", "clockSkew", "malformed"));
            JsonNode spike = section(node, path, "spike", Set.of("rate", "size"));
            JsonNode stuck = section(node, path, "stuck", Set.of("rate", "readings"));
            JsonNode drift = section(node, path, "drift", Set.of("rate", "perReading", "readings"));
            JsonNode offline = section(node, path, "offline", Set.of("rate", "readings", "replay"));
            JsonNode skew = section(node, path, "clockSkew", Set.of("devices", "max"));
            JsonNode malformed = section(node, path, "malformed", Set.of("rate"));
            Range probability = new Range(0, 1);
            Range positive = new Range(0, Double.MAX_VALUE);
            return new FaultSpec(
                    number(spike, path + ".spike", "rate", 0, probability), number(spike, path + ".spike", "size", 3, positive),
                    number(stuck, path + ".stuck", "rate", 0, probability), readings(stuck, path + ".stuck", Range.of(50)),
                    number(drift, path + ".drift", "rate", 0, probability), number(drift, path + ".drift", "perReading", 0.001, positive),
                    readings(drift, path + ".drift", Range.of(500)),
                    number(offline, path + ".offline", "rate", 0, probability), readings(offline, path + ".offline", Range.of(50)),
                    !offline.has("replay") || bool(offline.get("replay"), path + ".offline.replay"),
                    number(skew, path + ".clockSkew", "devices", 0, probability),
                    skew.has("max") ? duration(skew.get("max"), path + ".clockSkew.max") : Duration.ZERO,
                    number(malformed, path + ".malformed", "rate", 0, probability));
        }

        private JsonNode section(JsonNode parent, String path, String name, Set<String> keys) {
            JsonNode node = parent.get(name);
            if (node == null) {
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            }
            requireObject(node, path + "." + name);
            allowOnly(node, path + "." + name, keys);
            return node;
        }

        private Range readings(JsonNode node, String path, Range fallback) {
            Range r = node.has("readings") ? range(node.get("readings"), path + ".readings") : fallback;
            if (r.low() < 1) {
                throw fail(path + ".readings", "must be at least 1 reading");
            }
            return r;
        }

        private MeasurementSpec.Kind kind(JsonNode node, String path) {
            try {
                return MeasurementSpec.Kind.valueOf(node.asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw fail(path, "must be walk, constant or counter, was '" + node.asText() + "'");
            }
        }

        /** A number gives a one-point range; a two-element list gives [low, high]. */
        private Range range(JsonNode node, String path) {
            if (node.isNumber()) {
                return Range.of(node.doubleValue());
            }
            if (node.isArray() && node.size() == 2 && node.get(0).isNumber() && node.get(1).isNumber()) {
                double low = node.get(0).doubleValue();
                double high = node.get(1).doubleValue();
                if (low > high) {
                    throw fail(path, "low " + low + " is above high " + high);
                }
                return new Range(low, high);
            }
            throw fail(path, "must be a number or a [low, high] pair, was " + node);
        }

        private void within(Range inner, Range outer, String path) {
            if (inner.low() < outer.low() || inner.high() > outer.high()) {
                throw fail(path, inner.low() + ".." + inner.high() + " is outside the limits " + outer.low() + ".." + outer.high());
            }
        }

        private double number(JsonNode parent, String path, String field, double fallback, Range allowed) {
            JsonNode node = parent.get(field);
            if (node == null) {
                return fallback;
            }
            if (!node.isNumber()) {
                throw fail(path + "." + field, "must be a number, was " + node);
            }
            double value = node.doubleValue();
            if (value < allowed.low() || value > allowed.high()) {
                throw fail(path + "." + field, "must be between " + allowed.low() + " and " + allowed.high() + ", was " + value);
            }
            return value;
        }

        private long whole(JsonNode node, String path) {
            if (!node.isIntegralNumber()) {
                throw fail(path, "must be a whole number, was " + node);
            }
            return node.longValue();
        }

        private boolean bool(JsonNode node, String path) {
            if (!node.isBoolean()) {
                throw fail(path, "must be true or false, was " + node);
            }
            return node.booleanValue();
        }

        private Duration duration(JsonNode node, String path) {
            try {
                Duration d = ConfigType.DURATION.parse(node.asText());
                if (d.isNegative() || d.isZero() && !path.endsWith(".max")) {
                    throw fail(path, "must be a positive duration, was " + node.asText());
                }
                return d;
            } catch (RuntimeException e) {
                if (e instanceof InvalidFleetException invalid) {
                    throw invalid;
                }
                throw fail(path, "must be a duration such as 500ms, 10s, 5m, was '" + node.asText() + "'");
            }
        }

        private String name(JsonNode node, String path) {
            if (!node.isTextual()) {
                throw fail(path, "must be a name, was " + node);
            }
            requireName(node.asText(), path);
            return node.asText();
        }

        private void requireName(String name, String path) {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw fail(path, "'" + name + "' must be letters, digits, '_' or '-' (it goes into device ids)");
            }
        }

        private JsonNode required(JsonNode node, String path, String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw fail(path.isEmpty() ? field : path + "." + field, "is missing");
            }
            return value;
        }

        private void requireObject(JsonNode node, String path) {
            if (!node.isObject()) {
                throw fail(path, "must be a mapping, was " + node);
            }
        }

        private void allowOnly(JsonNode node, String path, Set<String> allowed) {
            node.fieldNames().forEachRemaining(field -> {
                if (!allowed.contains(field)) {
                    throw fail(path.isEmpty() ? field : path + "." + field, "is not a known entry; known: " + String.join(", ", allowed.stream().sorted().toList()));
                }
            });
        }

        private InvalidFleetException fail(String path, String problem) {
            return new InvalidFleetException(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        }
    }
}
