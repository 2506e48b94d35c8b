package io.datalakelab.rdbms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotProgressTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static TableSchema table(String name, String keyType, boolean masked) {
        return new TableSchema("shop", name, List.of(
                new TableSchema.Column("id", keyType, false, null, List.of(), false, masked),
                new TableSchema.Column("amount", "int", false, null, List.of(), false, false)), List.of("id"));
    }

    private static final TableSchema ORDERS = table("orders", "int", false);
    private static final TableSchema CUSTOMERS = table("customers", "int", false);
    private static final TableSchema PRODUCTS = table("products", "int", false);

    private static BinlogPosition at(long position) {
        return new BinlogPosition("binlog.000001", position, true);
    }

    private static List<BigInteger> key(long id) {
        return List.of(BigInteger.valueOf(id));
    }

    /** First attempt at 1000 read customers and orders up to id 100; the second, at 5000, the rest. */
    private static SnapshotProgress resumedInsideOrders() {
        return SnapshotProgress.startingAt(at(1000))
                .readUpTo(new SnapshotProgress.Boundary("shop", "orders", key(100), false))
                .resumedAt(at(5000));
    }

    @Test
    void aRowReadByTheFirstAttemptHasEveryLaterChangePublished() {
        SnapshotProgress progress = resumedInsideOrders();
        assertThat(progress.publishes(ORDERS, key(100), at(2000))).isTrue();
        assertThat(progress.publishes(CUSTOMERS, key(7), at(2000))).isTrue();
    }

    @Test
    void aRowReadByTheResumedAttemptHasOnlyTheChangesAfterItsPositionPublished() {
        SnapshotProgress progress = resumedInsideOrders();
        assertThat(progress.publishes(ORDERS, key(101), at(2000))).as("the second attempt's read holds this change").isFalse();
        assertThat(progress.publishes(PRODUCTS, key(1), at(4999))).isFalse();
        assertThat(progress.publishes(ORDERS, key(101), at(5000))).isTrue();
        assertThat(progress.publishes(PRODUCTS, key(1), at(7000))).isTrue();
    }

    @Test
    void aRowWhoseAttemptCannotBeToldIsPublishedRatherThanRiskedMissing() {
        TableSchema ordersKeyedByText = table("orders", "varchar", false);
        assertThat(resumedInsideOrders().publishes(ordersKeyedByText, null, at(2000))).isTrue();
    }

    @Test
    void streamingFiltersOnlyUntilItPassesTheLastAttemptsPosition() {
        SnapshotProgress progress = resumedInsideOrders();
        assertThat(progress.filtersAt(at(4000))).isTrue();
        assertThat(progress.filtersAt(at(5000))).isFalse();
        assertThat(SnapshotProgress.startingAt(at(1000)).filtersAt(at(1000))).as("one attempt: nothing to filter").isFalse();
        assertThat(progress.streamFrom().position()).isEqualTo(1000);
    }

    @Test
    void threeAttemptsEachOwnTheirRangeOfRows() {
        SnapshotProgress progress = resumedInsideOrders()
                .readUpTo(SnapshotProgress.Boundary.endOf(ORDERS))
                .resumedAt(at(9000));
        assertThat(progress.publishes(ORDERS, key(500), at(6000))).as("read at 5000").isTrue();
        assertThat(progress.publishes(ORDERS, key(500), at(4000))).isFalse();
        assertThat(progress.publishes(PRODUCTS, key(1), at(6000))).as("read at 9000").isFalse();
        assertThat(progress.publishes(PRODUCTS, key(1), at(9000))).isTrue();
    }

    @Test
    void boundariesTellWhichTablesAreBehindThem() {
        SnapshotProgress.Boundary insideOrders = new SnapshotProgress.Boundary("shop", "orders", key(100), false);
        assertThat(insideOrders.isPast(CUSTOMERS)).isTrue();
        assertThat(insideOrders.isPast(ORDERS)).isFalse();
        assertThat(insideOrders.keyWithin(ORDERS)).isEqualTo(key(100));
        assertThat(insideOrders.keyWithin(PRODUCTS)).isNull();
        assertThat(SnapshotProgress.Boundary.endOf(ORDERS).isPast(ORDERS)).isTrue();
        assertThat(SnapshotProgress.Boundary.START.isPast(CUSTOMERS)).isFalse();
    }

    @Test
    void onlyUnmaskedIntegerPrimaryKeysAreReadInKeyOrder() {
        assertThat(SnapshotProgress.readsInKeyOrder(ORDERS)).isTrue();
        assertThat(SnapshotProgress.readsInKeyOrder(table("t", "bigint", false))).isTrue();
        assertThat(SnapshotProgress.readsInKeyOrder(table("t", "varchar", false))).isFalse();
        assertThat(SnapshotProgress.readsInKeyOrder(table("t", "int", true))).isFalse();
        assertThat(SnapshotProgress.readsInKeyOrder(new TableSchema("shop", "log", ORDERS.columns(), List.of()))).isFalse();
    }

    @Test
    void anUnsignedBigintKeyIsOrderedAsTheNumberItsDigitsSpell() {
        TableSchema unsigned = table("t", "bigint", false);
        List<JsonNode> row = List.of(NODES.textNode("18446744073709551615"), NODES.numberNode(1));
        assertThat(SnapshotProgress.orderedKey(unsigned, row)).containsExactly(new BigInteger("18446744073709551615"));
        assertThat(SnapshotProgress.compareKeys(List.of(BigInteger.TWO, BigInteger.ONE), List.of(BigInteger.TWO, BigInteger.TEN))).isNegative();
    }

    @Test
    void theProgressTravelsWithTheStoredPosition() {
        SnapshotProgress progress = resumedInsideOrders().readUpTo(new SnapshotProgress.Boundary("shop", "products", key(42), false));
        BinlogPosition stored = progress.streamFrom().withGtids("0-1-9").withSnapshot(progress);
        BinlogPosition read = BinlogPosition.fromJson(stored.toJson());
        assertThat(read).isEqualTo(stored);
        assertThat(read.snapshot().next().afterKey()).containsExactly(BigInteger.valueOf(42));
        assertThat(BinlogPosition.fromJson("{\"file\":\"b.1\",\"pos\":4}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).snapshot())
                .as("a position stored before snapshots were resumable").isNull();
    }
}
