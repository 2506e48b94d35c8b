package io.datalakelab.nifi.validation;

import io.datalakelab.core.schema.InvalidRecordException;
import io.datalakelab.core.schema.SensorReading;
import io.datalakelab.core.schema.SensorReadingCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.SideEffectFree;
import org.apache.nifi.annotation.behavior.SupportsBatching;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;

/**
 * Checks that FlowFiles hold sensor readings as the platform's contract defines them (platform-core's
 * {@link SensorReadingCodec}: JSON or Avro single-object encoding, every field present and well typed) and routes each
 * reading to {@code valid} or {@code invalid}. Invalid readings carry the reason, so a flow can send them to the
 * topic's dead-letter queue with it; no reading is dropped.
 */
@Tags({"datalakelab", "sensor", "reading", "iot", "validation", "json", "avro", "dead letter", "partition"})
@CapabilityDescription("Validates sensor readings against the Data Lake Lab contract (deviceId, deviceType, site, eventTime in "
        + "epoch milliseconds, a sequence number >= 1 and finite measured values), as JSON or in Avro's single-object "
        + "encoding. With 'One reading per FlowFile' a valid FlowFile leaves unchanged with the reading's fields and its "
        + "event-time partition as attributes (for Kafka keys and HDFS directories). With 'Demarcated readings' the valid "
        + "readings of a FlowFile leave as JSON lines grouped into one FlowFile per event hour, and each invalid reading "
        + "leaves alone with its original bytes. Every invalid FlowFile carries the reason in 'validation.reason'.")
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@SupportsBatching
@SideEffectFree
@WritesAttributes({
        @WritesAttribute(attribute = ValidateSensorReading.DEVICE_ID, description = "The reading's deviceId, the Kafka key of the readings topic (one reading per FlowFile only)."),
        @WritesAttribute(attribute = ValidateSensorReading.DEVICE_TYPE, description = "The reading's deviceType (one reading per FlowFile only)."),
        @WritesAttribute(attribute = ValidateSensorReading.SITE, description = "The reading's site (one reading per FlowFile only)."),
        @WritesAttribute(attribute = ValidateSensorReading.EVENT_TIME, description = "The reading's eventTime, epoch milliseconds UTC (one reading per FlowFile only)."),
        @WritesAttribute(attribute = ValidateSensorReading.SEQUENCE, description = "The reading's per-device sequence number (one reading per FlowFile only)."),
        @WritesAttribute(attribute = ValidateSensorReading.DT, description = "Day of the event-time partition, yyyy-MM-dd in the Partition Time Zone (valid FlowFiles)."),
        @WritesAttribute(attribute = ValidateSensorReading.HR, description = "Hour of the event-time partition, 00 to 23 (valid FlowFiles)."),
        @WritesAttribute(attribute = ValidateSensorReading.PARTITION, description = "The Hive-style partition directories, dt=yyyy-MM-dd/hr=HH (valid FlowFiles)."),
        @WritesAttribute(attribute = ValidateSensorReading.EVENT_TIME_MIN, description = "Earliest eventTime of the readings in a FlowFile (demarcated readings, valid FlowFiles)."),
        @WritesAttribute(attribute = ValidateSensorReading.EVENT_TIME_MAX, description = "Latest eventTime of the readings in a FlowFile (demarcated readings, valid FlowFiles)."),
        @WritesAttribute(attribute = ValidateSensorReading.READING_COUNT, description = "How many readings the FlowFile holds."),
        @WritesAttribute(attribute = ValidateSensorReading.READING_INDEX, description = "Position of an invalid reading among the segments of its incoming FlowFile, from 0 "
                + "(demarcated readings). With ConsumeKafka's DEMARCATOR strategy, kafka.offset plus this index is the reading's Kafka offset."),
        @WritesAttribute(attribute = ValidateSensorReading.VALID_COUNT, description = "Valid readings in the incoming FlowFile (demarcated readings, on every outgoing FlowFile)."),
        @WritesAttribute(attribute = ValidateSensorReading.INVALID_COUNT, description = "Invalid readings in the incoming FlowFile (demarcated readings, on every outgoing FlowFile)."),
        @WritesAttribute(attribute = ValidateSensorReading.REASON, description = "Why the reading is invalid, naming the field (invalid FlowFiles)."),
        @WritesAttribute(attribute = "mime.type", description = "application/x-ndjson on the JSON-lines FlowFiles of demarcated readings.")
})
public class ValidateSensorReading extends AbstractProcessor {

    static final String DEVICE_ID = "reading.device.id";
    static final String DEVICE_TYPE = "reading.device.type";
    static final String SITE = "reading.site";
    static final String EVENT_TIME = "reading.event.time";
    static final String SEQUENCE = "reading.sequence";
    static final String DT = "reading.dt";
    static final String HR = "reading.hr";
    static final String PARTITION = "reading.partition";
    static final String EVENT_TIME_MIN = "reading.event.time.min";
    static final String EVENT_TIME_MAX = "reading.event.time.max";
    static final String READING_COUNT = "reading.count";
    static final String READING_INDEX = "reading.index";
    static final String VALID_COUNT = "validation.valid.count";
    static final String INVALID_COUNT = "validation.invalid.count";
    static final String REASON = "validation.reason";

    static final String JSON_LINES_MIME_TYPE = "application/x-ndjson";

    public static final PropertyDescriptor READING_LAYOUT = new PropertyDescriptor.Builder()
            .name("Reading Layout")
            .description("Whether a FlowFile holds one reading or many readings separated by the Reading Demarcator.")
            .required(true)
            .allowableValues(ReadingLayout.class)
            .defaultValue(ReadingLayout.SINGLE)
            .build();

    public static final PropertyDescriptor READING_DEMARCATOR = new PropertyDescriptor.Builder()
            .name("Reading Demarcator")
            .description("The bytes (UTF-8) between two readings, a newline by default. Use the same value as the Message "
                    + "Demarcator of the ConsumeKafka that feeds this processor, so that each Kafka record is one reading.")
            .required(true)
            .defaultValue("\n")
            .addValidator(PropertyValidators.NON_EMPTY)
            .dependsOn(READING_LAYOUT, ReadingLayout.DEMARCATED)
            .build();

    public static final PropertyDescriptor MAX_READING_SIZE = new PropertyDescriptor.Builder()
            .name("Maximum Reading Size")
            .description("A reading longer than this is invalid without being parsed, which bounds the memory one reading "
                    + "can take. Sensor readings are a few hundred bytes.")
            .required(true)
            .defaultValue("1 MB")
            .addValidator(PropertyValidators.DATA_SIZE_UP_TO_1_GB)
            .build();

    public static final PropertyDescriptor PARTITION_TIME_ZONE = new PropertyDescriptor.Builder()
            .name("Partition Time Zone")
            .description("Time zone of the dt= and hr= partitions computed from each reading's eventTime. The platform's "
                    + "HDFS layout uses UTC.")
            .required(true)
            .defaultValue("UTC")
            .addValidator(PropertyValidators.TIME_ZONE)
            .build();

    public static final Relationship VALID = new Relationship.Builder()
            .name("valid")
            .description("Readings that fit the contract, with their partition (and with one reading per FlowFile, their fields) as attributes.")
            .build();

    public static final Relationship INVALID = new Relationship.Builder()
            .name("invalid")
            .description("Readings that do not fit the contract, unchanged, one per FlowFile, with the reason in validation.reason.")
            .build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(READING_LAYOUT, READING_DEMARCATOR, MAX_READING_SIZE, PARTITION_TIME_ZONE);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(VALID, INVALID);

    static final String VALID_COUNTER = "Readings valid";
    static final String INVALID_COUNTER = "Readings invalid";

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTIES;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) throws ProcessException {
        FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        ZoneId zone = ZoneId.of(context.getProperty(PARTITION_TIME_ZONE).getValue());
        int maxReadingBytes = context.getProperty(MAX_READING_SIZE).asDataSize(DataUnit.B).intValue();
        ReadingLayout layout = ReadingLayout.valueOf(context.getProperty(READING_LAYOUT).getValue());
        if (layout == ReadingLayout.SINGLE) {
            validateOne(session, flowFile, maxReadingBytes, zone);
        } else {
            byte[] demarcator = context.getProperty(READING_DEMARCATOR).getValue().getBytes(StandardCharsets.UTF_8);
            validateDemarcated(session, flowFile, demarcator, maxReadingBytes, zone);
        }
    }

    private void validateOne(ProcessSession session, FlowFile flowFile, int maxReadingBytes, ZoneId zone) {
        if (flowFile.getSize() > maxReadingBytes) {
            routeInvalid(session, flowFile, tooLarge(flowFile.getSize(), maxReadingBytes));
            return;
        }
        byte[] content;
        try (InputStream in = session.read(flowFile)) {
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new ProcessException("cannot read the content of " + flowFile, e);
        }
        SensorReading reading;
        try {
            reading = ReadingDecoder.decode(content);
        } catch (InvalidRecordException e) {
            routeInvalid(session, flowFile, e.getMessage());
            return;
        }
        HourPartition partition = HourPartition.of(reading.eventTime(), zone);
        Map<String, String> attributes = new HashMap<>();
        attributes.put(DEVICE_ID, reading.deviceId());
        attributes.put(DEVICE_TYPE, reading.deviceType());
        attributes.put(SITE, reading.site());
        attributes.put(EVENT_TIME, Long.toString(reading.eventTime()));
        attributes.put(SEQUENCE, Long.toString(reading.sequence()));
        attributes.put(DT, partition.dt());
        attributes.put(HR, partition.hr());
        attributes.put(PARTITION, partition.path());
        attributes.put(READING_COUNT, "1");
        session.transfer(session.putAllAttributes(flowFile, attributes), VALID);
        session.adjustCounter(VALID_COUNTER, 1, false);
    }

    private void routeInvalid(ProcessSession session, FlowFile flowFile, String reason) {
        FlowFile invalid = session.putAllAttributes(flowFile, Map.of(REASON, reason, READING_COUNT, "1"));
        session.transfer(invalid, INVALID);
        session.adjustCounter(INVALID_COUNTER, 1, false);
        getLogger().debug("Invalid reading in {}: {}", flowFile, reason);
    }

    /** Where a demarcated reading that failed sits in the incoming content, to clone its original bytes afterwards. */
    private record InvalidSegment(long index, long offset, long length, String reason) {
    }

    /** The JSON lines of one event hour being written, and what they hold. */
    private static final class HourOutput {
        private final FlowFile flowFile;
        private final OutputStream out;
        private long count;
        private long minEventTime = Long.MAX_VALUE;
        private long maxEventTime = Long.MIN_VALUE;

        private HourOutput(FlowFile flowFile, OutputStream out) {
            this.flowFile = flowFile;
            this.out = out;
        }

        private void write(SensorReading reading) throws IOException {
            out.write(SensorReadingCodec.toJson(reading));
            out.write('\n');
            count++;
            minEventTime = Math.min(minEventTime, reading.eventTime());
            maxEventTime = Math.max(maxEventTime, reading.eventTime());
        }
    }

    private void validateDemarcated(ProcessSession session, FlowFile original, byte[] demarcator, int maxReadingBytes, ZoneId zone) {
        Map<HourPartition, HourOutput> hours = new LinkedHashMap<>();
        List<InvalidSegment> invalid = new ArrayList<>();
        try {
            try (InputStream in = session.read(original)) {
                DemarcatedSegments segments = new DemarcatedSegments(in, demarcator, maxReadingBytes);
                DemarcatedSegments.Segment segment;
                while ((segment = segments.next()) != null) {
                    if (segment.oversized()) {
                        invalid.add(new InvalidSegment(segment.index(), segment.offset(), segment.length(),
                                tooLarge(segment.length(), maxReadingBytes)));
                        continue;
                    }
                    SensorReading reading;
                    try {
                        reading = ReadingDecoder.decode(segment.bytes());
                    } catch (InvalidRecordException e) {
                        invalid.add(new InvalidSegment(segment.index(), segment.offset(), segment.length(), e.getMessage()));
                        continue;
                    }
                    HourPartition partition = HourPartition.of(reading.eventTime(), zone);
                    HourOutput hour = hours.get(partition);
                    if (hour == null) {
                        FlowFile child = session.create(original);
                        hour = new HourOutput(child, session.write(child));
                        hours.put(partition, hour);
                    }
                    hour.write(reading);
                }
            } finally {
                closeAll(hours.values());
            }
        } catch (IOException e) {
            throw new ProcessException("cannot read the readings of " + original, e);
        }

        long validCount = hours.values().stream().mapToLong(h -> h.count).sum();
        String validTotal = Long.toString(validCount);
        String invalidTotal = Integer.toString(invalid.size());
        for (Map.Entry<HourPartition, HourOutput> entry : hours.entrySet()) {
            HourOutput hour = entry.getValue();
            Map<String, String> attributes = new HashMap<>();
            attributes.put(DT, entry.getKey().dt());
            attributes.put(HR, entry.getKey().hr());
            attributes.put(PARTITION, entry.getKey().path());
            attributes.put(READING_COUNT, Long.toString(hour.count));
            attributes.put(EVENT_TIME_MIN, Long.toString(hour.minEventTime));
            attributes.put(EVENT_TIME_MAX, Long.toString(hour.maxEventTime));
            attributes.put(VALID_COUNT, validTotal);
            attributes.put(INVALID_COUNT, invalidTotal);
            attributes.put(CoreAttributes.MIME_TYPE.key(), JSON_LINES_MIME_TYPE);
            session.transfer(session.putAllAttributes(hour.flowFile, attributes), VALID);
        }
        // Cloning the byte range keeps an invalid reading's original bytes, whatever its size, without having held them.
        for (InvalidSegment segment : invalid) {
            FlowFile child = session.clone(original, segment.offset(), segment.length());
            Map<String, String> attributes = new HashMap<>();
            attributes.put(REASON, segment.reason());
            attributes.put(READING_INDEX, Long.toString(segment.index()));
            attributes.put(READING_COUNT, "1");
            attributes.put(VALID_COUNT, validTotal);
            attributes.put(INVALID_COUNT, invalidTotal);
            session.transfer(session.putAllAttributes(child, attributes), INVALID);
        }
        // Every reading of the original now lives in exactly one outgoing FlowFile.
        session.remove(original);
        session.adjustCounter(VALID_COUNTER, validCount, false);
        session.adjustCounter(INVALID_COUNTER, invalid.size(), false);
        if (!invalid.isEmpty()) {
            getLogger().debug("{} of {} readings in {} are invalid; the first: {}", invalid.size(), validCount + invalid.size(),
                    original, invalid.get(0).reason());
        }
    }

    private static void closeAll(Iterable<HourOutput> outputs) throws IOException {
        IOException failure = null;
        for (HourOutput output : outputs) {
            try {
                output.out.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static String tooLarge(long bytes, int maxReadingBytes) {
        return "reading is " + bytes + " bytes, more than the Maximum Reading Size of " + maxReadingBytes + " bytes";
    }

    /** Validators that need nothing beyond nifi-api, so the NAR carries no NiFi utility jars. */
    static final class PropertyValidators {

        static final Validator NON_EMPTY = (subject, input, context) -> new ValidationResult.Builder()
                .subject(subject).input(input)
                .valid(input != null && !input.isEmpty())
                .explanation("must not be empty")
                .build();

        static final Validator DATA_SIZE_UP_TO_1_GB = (subject, input, context) -> {
            boolean valid;
            try {
                Double bytes = input == null ? null : DataUnit.parseDataSize(input.trim(), DataUnit.B);
                valid = bytes != null && bytes >= 1 && bytes <= 1024d * 1024 * 1024;
            } catch (IllegalArgumentException e) {
                valid = false;
            }
            return new ValidationResult.Builder().subject(subject).input(input).valid(valid)
                    .explanation("must be a data size between 1 B and 1 GB, such as 1 MB or 512 KB")
                    .build();
        };

        static final Validator TIME_ZONE = (subject, input, context) -> {
            boolean valid;
            try {
                ZoneId.of(input);
                valid = true;
            } catch (DateTimeException | NullPointerException e) {
                valid = false;
            }
            return new ValidationResult.Builder().subject(subject).input(input).valid(valid)
                    .explanation("must be a time zone id such as UTC or Europe/Lisbon")
                    .build();
        };

        private PropertyValidators() {
        }
    }
}
