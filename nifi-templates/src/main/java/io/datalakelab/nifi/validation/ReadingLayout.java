package io.datalakelab.nifi.validation;

import org.apache.nifi.components.DescribedValue;

/** How readings sit in a FlowFile's content: the value of {@link ValidateSensorReading#READING_LAYOUT}. */
public enum ReadingLayout implements DescribedValue {

    SINGLE("One reading per FlowFile",
            "The whole content is one reading, as JSON or in Avro's single-object encoding (what one Kafka record, MQTT "
                    + "message or HTTP request carries). A valid FlowFile leaves unchanged, with the reading's fields as attributes."),
    DEMARCATED("Demarcated readings",
            "The content is many readings separated by the Reading Demarcator (what ConsumeKafka writes with its DEMARCATOR "
                    + "strategy, or a JSON-lines file). Valid readings leave as JSON lines, one FlowFile per event hour; each "
                    + "invalid reading leaves as its own FlowFile holding its original bytes.");

    private final String displayName;
    private final String description;

    ReadingLayout(String displayName, String description) {
        this.displayName = displayName;
        this.description = description;
    }

    @Override
    public String getValue() {
        return name();
    }

    @Override
    public String getDisplayName() {
        return displayName;
    }

    @Override
    public String getDescription() {
        return description;
    }
}
