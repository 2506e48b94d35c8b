package io.datalakelab.iot.flume;

import io.datalakelab.iot.fleet.Emission;
import io.datalakelab.iot.fleet.ReadingOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flume.Event;
import org.apache.flume.EventDeliveryException;
import org.apache.flume.FlumeException;
import org.apache.flume.api.RpcClient;
import org.apache.flume.api.RpcClientFactory;
import org.apache.flume.event.EventBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated fleet as a Flume client ({@code output=flume}): readings go in batches over Avro RPC to the Avro
 * sources of one or more Flume agents (flume-agent's {@code readings-collector.conf}), which put them into Kafka. A
 * batch counts as acknowledged when an agent has committed it to its channel. When every agent is down, the batch is
 * retried until one answers or {@link #AGENT_WAIT} has passed; a batch an agent committed but whose answer was lost is
 * sent again, so delivery is at least once and the readings' sequence numbers show any duplicate.
 */
public final class FlumeOutput implements ReadingOutput {

    private static final Logger LOG = LoggerFactory.getLogger(FlumeOutput.class);
    /** How long a sender keeps retrying a batch while no agent takes it. */
    static final Duration AGENT_WAIT = Duration.ofMinutes(2);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    private final FlumeTarget target;

    public FlumeOutput(FlumeTarget target) {
        this.target = target;
    }

    @Override
    public String destination() {
        return "Flume agents " + String.join(",", target.agents())
                + (target.agents().size() > 1 ? " (" + target.selection().name().toLowerCase(java.util.Locale.ROOT) + ")" : "");
    }

    @Override
    public Channel open(int worker) {
        return new BatchingChannel(newClient());
    }

    private RpcClient newClient() {
        try {
            return connect();
        } catch (FlumeException e) {
            throw new IllegalStateException("cannot connect to the Flume agents " + target.agents() + " (flume.agents): " + e.getMessage(), e);
        }
    }

    /** A client of the agents; a single-agent client connects here, load-balancing and failover ones on first use. */
    private RpcClient connect() {
        return RpcClientFactory.getInstance(target.clientProperties());
    }

    /** One producer thread's client and its partly filled batch. */
    private final class BatchingChannel implements Channel {

        private final List<Event> batch;
        private final List<Consumer<Throwable>> answers;
        private RpcClient client;
        private long batchStartedNanos;

        BatchingChannel(RpcClient client) {
            this.client = client;
            this.batch = new ArrayList<>(target.batchSize());
            this.answers = new ArrayList<>(target.batchSize());
        }

        @Override
        public void send(Emission emission, byte[] value, Consumer<Throwable> answered) throws InterruptedException {
            if (batch.isEmpty()) {
                batchStartedNanos = System.nanoTime();
            }
            batch.add(EventBuilder.withBody(value));
            answers.add(answered);
            if (batch.size() >= target.batchSize() || System.nanoTime() - batchStartedNanos >= target.linger().toNanos()) {
                flush();
            }
        }

        private void flush() throws InterruptedException {
            if (batch.isEmpty()) {
                return;
            }
            Throwable outcome = deliver();
            for (Consumer<Throwable> answer : answers) {
                answer.accept(outcome);
            }
            batch.clear();
            answers.clear();
        }

        /** Sends the batch, retrying while every agent refuses it; returns null when an agent committed it. */
        private Throwable deliver() throws InterruptedException {
            long deadline = System.nanoTime() + AGENT_WAIT.toNanos();
            EventDeliveryException last = null;
            while (System.nanoTime() < deadline) {
                try {
                    if (client == null || !client.isActive()) {
                        reconnect();
                    }
                    client.appendBatch(batch);
                    return null;
                } catch (EventDeliveryException | FlumeException e) {
                    if (last == null) {
                        LOG.warn("no Flume agent of {} took a batch of {} readings ({}); retrying for up to {}", target.agents(), batch.size(),
                                e.getMessage(), AGENT_WAIT);
                    }
                    last = e instanceof EventDeliveryException delivery ? delivery : new EventDeliveryException(e.getMessage(), e);
                    Thread.sleep(RETRY_PAUSE.toMillis());
                }
            }
            return new IllegalStateException("no Flume agent of " + target.agents() + " took the batch for " + AGENT_WAIT + ": "
                    + (last == null ? "timed out" : last.getMessage()), last);
        }

        private void reconnect() {
            if (client != null) {
                client.close();
            }
            client = null;
            client = connect();
        }

        @Override
        public long finish() throws InterruptedException {
            flush();
            return 0;
        }

        @Override
        public void close() {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }
}
