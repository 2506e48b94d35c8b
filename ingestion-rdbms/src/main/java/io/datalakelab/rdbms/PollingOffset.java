package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Where polling of one table resumes: the timestamp and/or incrementing value of the last row in Kafka, as the
 * database writes them ({@code 2026-11-23 10:15:30.123456}, {@code 42}), with the mode and columns they belong to,
 * so that a changed configuration is noticed instead of misreading the values. A null value is a column the mode
 * does not use.
 */
public record PollingOffset(PollingMode mode, String timestampColumn, String timestamp, String incrementingColumn, String incrementing) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public PollingOffset {
        if (mode.usesTimestamp() != (timestamp != null) || mode.usesIncrementing() != (incrementing != null)) {
            throw new IllegalArgumentException("a " + mode + " offset needs " + (mode.usesTimestamp() ? "a timestamp " : "")
                    + (mode.usesIncrementing() ? "an incrementing value" : "") + ": " + timestamp + ", " + incrementing);
        }
    }

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("mode", mode.text());
        if (timestamp != null) {
            node.put("timestamp.column", timestampColumn);
            node.put("timestamp", timestamp);
        }
        if (incrementing != null) {
            node.put("incrementing.column", incrementingColumn);
            node.put("incrementing", incrementing);
        }
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PollingOffset fromJson(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new PollingOffset(PollingMode.parse(node.get("mode").asText()), text(node, "timestamp.column"), text(node, "timestamp"),
                    text(node, "incrementing.column"), text(node, "incrementing"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("a stored polling offset is not readable: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    @Override
    public String toString() {
        return mode.usesTimestamp() && mode.usesIncrementing() ? timestampColumn + "=" + timestamp + ", " + incrementingColumn + "=" + incrementing
                : mode.usesTimestamp() ? timestampColumn + "=" + timestamp : incrementingColumn + "=" + incrementing;
    }
}
