package io.datalakelab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datalakelab.examples.FirstProducer;
import io.datalakelab.testkit.Await;
import io.datalakelab.testkit.FreePorts;
import io.datalakelab.testkit.KafkaCluster;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The course's examples in {@code docs/examples} as a student runs them: the kafka-python scripts under Debian's
 * {@code /usr/bin/python3} and the first Java producer as its own JVM, against one real KRaft broker on a free port.
 * Every printed line is checked against the records actually in the topic.
 */
class CourseExamplesIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path SCRIPTS = REPOSITORY.resolve("docs/examples/python");
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);

    /** The topic the course writes to, left to the broker to auto-create as in the lab. */
    private static final String COURSE_TOPIC = "topic";
    /** Filled once by producer.py, plus one plain-text message as the Java lab leaves in a shared topic. */
    private static final String PEOPLE = "people";
    private static final int PEOPLE_PARTITIONS = 3;

    private static KafkaCluster kafka;
    private static List<ConsumerRecord<String, String>> people;

    @BeforeAll
    static void startKafkaAndFillATopicWithPeople() throws Exception {
        ProcessResult python = run(Map.of(), PYTHON, "-c", "import kafka; print(kafka.__version__)");
        assertThat(python.exitCode())
                .as("the examples need Debian's kafka-python under %s (apt-get install python3-kafka): %s", PYTHON, python)
                .isZero();

        kafka = new KafkaCluster().start();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(PEOPLE, PEOPLE_PARTITIONS, (short) 1))).all().get();
        }
        ProcessResult produced = python("producer.py", "--topic", PEOPLE, "--count", "100", "--producers", "3", "--rate", "0");
        assertThat(produced.exitCode()).as(produced.toString()).isZero();
        assertThat(produced.stdout()).contains("acknowledged 300 of 300 tuples on topic people");
        sendText(PEOPLE, "1", "message 1");

        people = recordsAfter(PEOPLE, Map.of());
        assertThat(people).hasSize(301);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void fourProducersEachGetEveryTupleAcknowledgedOnTheCoursesTopic() throws Exception {
        Map<TopicPartition, Long> before = endOffsets(COURSE_TOPIC);

        ProcessResult result = python("producer.py", "--count", "50", "--producers", "4", "--rate", "0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdoutLines()).containsExactly(
                "producer 0: 50 of 50 tuples acknowledged", "producer 1: 50 of 50 tuples acknowledged",
                "producer 2: 50 of 50 tuples acknowledged", "producer 3: 50 of 50 tuples acknowledged",
                "acknowledged 200 of 200 tuples on topic topic");
        List<ConsumerRecord<String, String>> sent = recordsAfter(COURSE_TOPIC, before);
        assertThat(sent).hasSize(200);
        assertThat(totalOffsets(endOffsets(COURSE_TOPIC)) - totalOffsets(before)).isEqualTo(200);
        List<JsonNode> tuples = sent.stream().map(r -> parse(r.value())).toList();
        assertThat(tuples.stream().map(t -> t.get(0).asInt()).toList())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 200).boxed().toList());
        assertThat(tuples).allSatisfy(t -> {
            JsonNode person = t.get(1);
            assertThat(person.get("idade").isInt()).as(t.toString()).isTrue();
            assertThat(person.get("idade").asInt()).isBetween(18, 80);
            assertThat(person.get("altura").asDouble()).isBetween(1.50, 2.00);
            assertThat(person.get("peso").asDouble()).isBetween(50.0, 140.0);
        });
    }

    @Test
    void consumerPrintsEveryTupleInTheTopicAndSaysWhichMessageWasNotOne() throws Exception {
        ProcessResult result = consume("consumer.py");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(printedJson(result)).containsExactlyInAnyOrderElementsOf(tuplesWhere(person -> true));
        assertThat(result.stderr()).contains("consumed 301 messages, printed 300")
                .contains("not an [id, {...}] tuple: b'message 1'");
    }

    @Test
    void consumerWithOnlyTuplePrintsJustThePeople() throws Exception {
        ProcessResult result = consume("consumer.py", "--only-tuple");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(printedJson(result)).containsExactlyInAnyOrderElementsOf(
                tuplesWhere(person -> true).stream().map(t -> t.get(1)).toList());
    }

    @Test
    void pesoConsumerPrintsOnlyTheTuplesAbove80KgOrTheGivenThreshold() throws Exception {
        List<JsonNode> above80 = tuplesWhere(person -> person.get("peso").asDouble() > 80);
        assertThat(above80).as("the random people include some above and some below 80 kg").isNotEmpty().hasSizeLessThan(300);

        ProcessResult result = consume("consumer_peso.py");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(printedJson(result)).containsExactlyInAnyOrderElementsOf(above80);
        assertThat(result.stderr()).contains("consumed 301 messages, printed " + above80.size());

        ProcessResult above120 = consume("consumer_peso.py", "--threshold", "120");
        assertThat(printedJson(above120)).containsExactlyInAnyOrderElementsOf(
                tuplesWhere(person -> person.get("peso").asDouble() > 120));
    }

    @Test
    void imcConsumerPrintsOnlyTheTuplesWithImcAbove35() throws Exception {
        List<JsonNode> obese = tuplesWhere(person -> imc(person) > 35);
        assertThat(obese).as("the random people include some with IMC above and some below 35").isNotEmpty().hasSizeLessThan(300);

        ProcessResult result = consume("consumer_imc.py");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(printedJson(result)).containsExactlyInAnyOrderElementsOf(obese);
        assertThat(result.stderr()).contains("consumed 301 messages, printed " + obese.size());
    }

    @Test
    void consumerThatReadsFewerMessagesThanAskedBeforeItsTimeoutFails() throws Exception {
        ProcessResult result = python("consumer.py", "--topic", PEOPLE, "--from-beginning", "--max-messages", "302",
                "--timeout", "5");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr()).contains("consumed 301 messages, printed 300");
    }

    @Test
    void firstJavaProducerSends1000MessagesToTheCoursesTopicAndWaitsForEveryAcknowledgement() throws Exception {
        Map<TopicPartition, Long> before = endOffsets(COURSE_TOPIC);

        // Its own JVM, as `java -jar` runs it: main's output and exit code are what a student sees.
        ProcessResult result = run(Map.of("KAFKA_BOOTSTRAP", kafka.bootstrapServers()),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", testClasspath(), FirstProducer.class.getName());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdoutLines()).containsExactly(
                "1000 of 1000 messages acknowledged on topic topic at " + kafka.bootstrapServers());
        List<String> sent = recordsAfter(COURSE_TOPIC, before).stream().map(r -> r.key() + "=" + r.value()).toList();
        assertThat(sent).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 1000).mapToObj(n -> n + "=message " + n).toList());
        assertThat(totalOffsets(endOffsets(COURSE_TOPIC)) - totalOffsets(before)).isEqualTo(1000);
    }

    @Test
    void firstJavaProducerFailsWithExitCode1WhenNoBrokerAnswers() throws Exception {
        String nobody = "127.0.0.1:" + FreePorts.next();

        ProcessResult result = run(Map.of(), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", testClasspath(), FirstProducer.class.getName(), nobody, "unreachable");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stdout()).contains("0 of 1000 messages acknowledged on topic unreachable at " + nobody);
        assertThat(result.stderr()).contains("a message failed");
    }

    private static double imc(JsonNode person) {
        double altura = person.get("altura").asDouble();
        return person.get("peso").asDouble() / (altura * altura);
    }

    /** The [id, {...}] tuples among the records in {@link #PEOPLE} whose person matches. */
    private static List<JsonNode> tuplesWhere(Predicate<JsonNode> person) {
        List<JsonNode> tuples = new ArrayList<>();
        for (ConsumerRecord<String, String> record : people) {
            JsonNode value;
            try {
                value = JSON.readTree(record.value());
            } catch (IOException notJson) {
                continue;  // the plain-text message
            }
            if (person.test(value.get(1))) {
                tuples.add(value);
            }
        }
        return tuples;
    }

    private static ProcessResult consume(String script, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--topic", PEOPLE, "--from-beginning",
                "--max-messages", Integer.toString(people.size()), "--timeout", "60"));
        args.addAll(List.of(options));
        return python(script, args.toArray(String[]::new));
    }

    private static List<JsonNode> printedJson(ProcessResult result) {
        return result.stdoutLines().stream().map(CourseExamplesIT::parse).toList();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private static void sendText(String topic, String key, String value) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Each partition's end offset; none for a topic that does not exist yet. */
    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            TopicDescription description;
            try {
                description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return Map.of();
                }
                throw e;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        }
    }

    private static long totalOffsets(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every record of {@code topic} from the offsets {@code from} (0 where absent) to the current end offsets. */
    private static List<ConsumerRecord<String, String>> recordsAfter(String topic, Map<TopicPartition, Long> from) throws Exception {
        Map<TopicPartition, Long> to = endOffsets(topic);
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(to.keySet());
            to.keySet().forEach(partition -> consumer.seek(partition, from.getOrDefault(partition, 0L)));
            Await.until("records of " + topic + " up to " + to, Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return to.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
            });
        }
        return records;
    }

    private static String testClasspath() {
        String failsafe = System.getProperty("surefire.test.class.path");
        return failsafe != null ? failsafe : System.getProperty("java.class.path");
    }

    private static ProcessResult python(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        // The scripts' default bootstrap comes from KAFKA_BOOTSTRAP, as on a student's machine pointing at a lab.
        return run(Map.of("KAFKA_BOOTSTRAP", kafka.bootstrapServers(), "PYTHONDONTWRITEBYTECODE", "1"),
                command.toArray(String[]::new));
    }

    private static ProcessResult run(Map<String, String> environment, String... command) throws IOException, InterruptedException {
        File stdout = Files.createTempFile("course-example-", ".out").toFile();
        File stderr = Files.createTempFile("course-example-", ".err").toFile();
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr);
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + PROCESS_TIMEOUT + ":\n"
                        + Files.readString(stdout.toPath()) + Files.readString(stderr.toPath()));
            }
            return new ProcessResult(String.join(" ", command), process.exitValue(),
                    Files.readString(stdout.toPath()), Files.readString(stderr.toPath()));
        } finally {
            Files.deleteIfExists(stdout.toPath());
            Files.deleteIfExists(stderr.toPath());
        }
    }

    private record ProcessResult(String command, int exitCode, String stdout, String stderr) {

        List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        @Override
        public String toString() {
            return command + " exited " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
