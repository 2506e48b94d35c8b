package io.datalakelab.core.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/** The Avro schemas shipped in {@code platform-core} under {@code schemas/}. */
public final class Schemas {

    private static final Schema SENSOR_READING = load("sensor-reading.avsc");
    private static final Schema CHANGE_EVENT = load("change-event.avsc");

    private Schemas() {
    }

    public static Schema sensorReading() {
        return SENSOR_READING;
    }

    public static Schema changeEvent() {
        return CHANGE_EVENT;
    }

    /** The names under which the shipped schemas can be asked for in configuration. */
    public static final java.util.List<String> NAMES = java.util.List.of("sensor-reading", "change-event");

    /** A shipped schema by its name ({@code sensor-reading}, {@code change-event}). */
    public static java.util.Optional<Schema> byName(String name) {
        return switch (name) {
            case "sensor-reading" -> java.util.Optional.of(SENSOR_READING);
            case "change-event" -> java.util.Optional.of(CHANGE_EVENT);
            default -> java.util.Optional.empty();
        };
    }

    private static Schema load(String name) {
        try (InputStream in = Schemas.class.getResourceAsStream("/schemas/" + name)) {
            if (in == null) {
                throw new IllegalStateException("schema resource /schemas/" + name + " is missing from the classpath");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + name, e);
        }
    }
}
