package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The polling mode's offsets in the service's offsets topic (the one holding the binlog position): one record
 * per table, keyed {@code {"server":..,"capture":"polling","db":..,"table":..}} (never equal to the binlog
 * position's key, the bare server name), written in the Kafka transaction of the rows it covers and read back
 * with {@code read_committed}, so rows and offset are in Kafka together or not at all.
 */
public final class PollingOffsets {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PollingOffsets() {
    }

    /** The offset record of {@code table} for the offsets topic. */
    static ChangeEvents.Change record(CdcConfig config, TableSchema table, PollingOffset offset) {
        return new ChangeEvents.Change(config.offsetsTopic(), key(config.serverName(), table.database(), table.table()), offset.toJson());
    }

    static byte[] key(String server, String database, String table) {
        ObjectNode key = JSON.createObjectNode();
        key.put("server", server);
        key.put("capture", "polling");
        key.put("db", database);
        key.put("table", table);
        try {
            return JSON.writeValueAsBytes(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last committed offset of every table a polling capture of {@code server} stored, by {@code db.table}. */
    public static Map<String, PollingOffset> read(String bootstrapServers, String offsetsTopic, String server) {
        Map<String, PollingOffset> out = new HashMap<>();
        ChangePublisher.readOffsetsTopic(bootstrapServers, offsetsTopic, record -> {
            String table = tableOf(record.key(), server);
            if (table != null && record.value() != null) {
                out.put(table, PollingOffset.fromJson(record.value()));
            } else if (table != null) {
                out.remove(table); // a tombstone: the offset was deleted to poll the table from its start
            }
        });
        return out;
    }

    /** {@code db.table} of a polling offset key of {@code server}; null for any other key (the binlog position's, another server's). */
    private static String tableOf(byte[] key, String server) {
        if (key == null || key.length == 0 || key[0] != '{') {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(key);
            if (!"polling".equals(node.path("capture").asText()) || !server.equals(node.path("server").asText())) {
                return null;
            }
            return node.path("db").asText() + "." + node.path("table").asText();
        } catch (IOException e) {
            return null;
        }
    }
}
