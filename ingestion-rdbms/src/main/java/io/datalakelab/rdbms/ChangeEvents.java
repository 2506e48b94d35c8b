package io.datalakelab.rdbms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datalakelab.core.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Builds the records of the change-event contract ({@code platform-core} {@code change-event.avsc}, JSON
 * encoded): key = the primary key columns as a JSON object (null for a table without one), value = the
 * envelope {@code before}, {@code after}, {@code op}, {@code ts_ms}, {@code source}.
 */
public final class ChangeEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where a change came from in the source's binlog (or its snapshot); {@code gtid} is its transaction's GTID (null
     * when the server writes none), {@code order} its place in the transaction when transaction events are on.
     */
    public record Source(String file, long position, String transactionId, long commitMillis, boolean snapshot, String gtid,
                         TransactionOrder order) {

        public Source(String file, long position, String transactionId, long commitMillis, boolean snapshot) {
            this(file, position, transactionId, commitMillis, snapshot, null, null);
        }
    }

    /** A change's place in its source transaction: 1-based among all its changes and among those of its table. */
    public record TransactionOrder(String id, long totalOrder, long dataCollectionOrder) {
    }

    /** A Kafka record to send: topic, key, value (null value = tombstone) and headers. */
    public record Change(String topic, byte[] key, byte[] value, Map<String, String> headers) {

        public Change(String topic, byte[] key, byte[] value) {
            this(topic, key, value, Map.of());
        }
    }

    private final String serverName;
    private final long sourceServerId;

    public ChangeEvents(String serverName, long sourceServerId) {
        this.serverName = serverName;
        this.sourceServerId = sourceServerId;
    }

    private final Map<String, String> topics = new java.util.concurrent.ConcurrentHashMap<>();

    public String topicOf(TableSchema table) {
        return topics.computeIfAbsent(table.qualifiedName(), name -> Topics.changeEventsOf(serverName, table.database(), table.table()));
    }

    /** The row as a JSON object of its captured columns. */
    public static ObjectNode row(TableSchema table, List<JsonNode> values) {
        ObjectNode row = JSON.createObjectNode();
        for (int i = 0; i < table.columns().size(); i++) {
            TableSchema.Column column = table.columns().get(i);
            if (!column.excluded()) {
                row.set(column.name(), values.get(i));
            }
        }
        return row;
    }

    /**
     * The records of one change: the event, and for a delete also a tombstone with the same key so that
     * compaction can drop the row's history.
     *
     * @param op c, u, d or r
     */
    public List<Change> of(TableSchema table, String op, ObjectNode before, ObjectNode after, byte[] key, Source source) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("before", before);
        envelope.set("after", after);
        envelope.put("op", op);
        envelope.put("ts_ms", System.currentTimeMillis());
        ObjectNode src = envelope.putObject("source");
        src.put("server", serverName);
        src.put("server_id", sourceServerId);
        src.put("file", source.file());
        src.put("pos", source.position());
        if (source.gtid() == null) {
            src.putNull("gtid");
        } else {
            src.put("gtid", source.gtid());
        }
        src.put("db", table.database());
        src.put("table", table.table());
        if (source.transactionId() == null) {
            src.putNull("txId");
        } else {
            src.put("txId", source.transactionId());
        }
        src.put("ts_ms", source.commitMillis());
        src.put("snapshot", source.snapshot());
        if (source.order() != null) {
            ObjectNode transaction = envelope.putObject("transaction");
            transaction.put("id", source.order().id());
            transaction.put("total_order", source.order().totalOrder());
            transaction.put("data_collection_order", source.order().dataCollectionOrder());
        }
        String topic = topicOf(table);
        Change event = new Change(topic, key, bytes(envelope));
        return op.equals("d") ? List.of(event, new Change(topic, key, null)) : List.of(event);
    }

    /**
     * The record of a row read by polling: {@code op=r} with the row's state as the query read it ({@code before}
     * null, as for a snapshot read), so consumers apply it as an upsert by key. {@code source} says what is
     * known: {@code mode=polling}, the query's time by the database's clock as {@code ts_ms}, no binlog file,
     * position or transaction.
     */
    public Change polled(TableSchema table, ObjectNode after, byte[] key, long queryMillis) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.putNull("before");
        envelope.set("after", after);
        envelope.put("op", "r");
        envelope.put("ts_ms", System.currentTimeMillis());
        ObjectNode src = envelope.putObject("source");
        src.put("server", serverName);
        src.put("server_id", sourceServerId);
        src.putNull("file");
        src.putNull("pos");
        src.putNull("gtid");
        src.put("db", table.database());
        src.put("table", table.table());
        src.putNull("txId");
        src.put("ts_ms", queryMillis);
        src.put("snapshot", false);
        src.put("mode", "polling");
        return new Change(topicOf(table), key, bytes(envelope));
    }

    /** The record key: the primary key columns of the row's values (all columns, excluded ones too); null without a key. */
    public static byte[] keyOf(TableSchema table, List<JsonNode> values) {
        if (table.primaryKey().isEmpty()) {
            return null;
        }
        ObjectNode key = JSON.createObjectNode();
        for (String column : table.primaryKey()) {
            for (int i = 0; i < table.columns().size(); i++) {
                if (table.columns().get(i).name().equals(column)) {
                    key.set(column, values.get(i));
                }
            }
        }
        return bytes(key);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
