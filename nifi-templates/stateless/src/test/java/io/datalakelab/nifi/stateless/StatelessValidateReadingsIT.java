package io.datalakelab.nifi.stateless;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.nar.NarClassLoaders;
import org.apache.nifi.nar.NarUnpackMode;
import org.apache.nifi.nar.NarUnpacker;
import org.apache.nifi.nar.SystemBundle;
import org.apache.nifi.stateless.config.ParameterOverride;
import org.apache.nifi.stateless.config.PropertiesFileEngineConfigurationParser;
import org.apache.nifi.stateless.config.PropertiesFileFlowDefinitionParser;
import org.apache.nifi.stateless.engine.StatelessEngineConfiguration;
import org.apache.nifi.stateless.flow.DataflowDefinition;
import org.apache.nifi.stateless.flow.DataflowTrigger;
import org.apache.nifi.stateless.flow.StandardStatelessDataflowFactory;
import org.apache.nifi.stateless.flow.StatelessDataflow;
import org.apache.nifi.stateless.flow.StatelessDataflowValidation;
import org.apache.nifi.stateless.flow.TriggerResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow definition made of GenerateFlowFile, ValidateSensorReading and two output ports, run headless on NiFi's
 * stateless engine with the NARs NiFi would load: the standard NARs and this project's NAR as the build made it.
 * What the validator emits is read from the output ports of a real NiFi engine, not from nifi-mock.
 */
class StatelessValidateReadingsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static StatelessEngineConfiguration engine;
    private static ClassLoader extensionRoot;
    private static Path flowFile;

    @BeforeAll
    static void prepareEngine() throws Exception {
        File nars = new File(System.getProperty("stateless.nars"));
        Properties properties = new Properties();
        properties.setProperty("nifi.stateless.nar.directory", nars.getAbsolutePath());
        properties.setProperty("nifi.stateless.working.directory", work.resolve("working").toString());
        properties.setProperty("nifi.stateless.extensions.directory", work.resolve("downloaded-extensions").toString());
        // The key encrypts sensitive properties in memory; this flow has none, but the engine requires one.
        properties.setProperty("nifi.stateless.sensitive.props.key", "datalakelab-stateless-test-key");
        Path engineProperties = work.resolve("engine.properties");
        try (OutputStream out = Files.newOutputStream(engineProperties)) {
            properties.store(out, "stateless engine of StatelessValidateReadingsIT");
        }
        engine = new PropertiesFileEngineConfigurationParser().parseEngineConfiguration(engineProperties.toFile());

        // What nifi-stateless-bootstrap does before it starts the engine: unpack every NAR of the NAR directory.
        File expanded = new File(engine.getWorkingDirectory(), "nar");
        NarUnpacker.unpackNars(SystemBundle.create(nars.getAbsolutePath(), ClassLoader.getSystemClassLoader()),
                new File(expanded, "framework"), new File(expanded, "extensions"), List.of(nars.toPath()), false,
                NarClassLoaders.FRAMEWORK_NAR_ID, false, false, NarUnpackMode.UNPACK_TO_UBER_JAR, coordinate -> true);
        extensionRoot = new NiFiApiOnlyClassLoader(StatelessValidateReadingsIT.class.getClassLoader());

        // The flow names this NAR's version; the build passes it.
        flowFile = work.resolve("validate-readings.json");
        try (InputStream in = StatelessValidateReadingsIT.class.getResourceAsStream("/validate-readings.json")) {
            String flow = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${project.version}", System.getProperty("project.version"));
            Files.writeString(flowFile, flow);
        }
    }

    @AfterAll
    static void releaseClassLoaders() {
        extensionRoot = null;
    }

    /** What came out of one trigger: each output port's FlowFiles as attributes plus content. */
    private record Output(Map<String, String> attributes, String content) {
    }

    private static Map<String, List<Output>> runOnce(List<ParameterOverride> overrides) throws Exception {
        DataflowDefinition definition = new PropertiesFileFlowDefinitionParser().parseFlowDefinition(
                Map.of("nifi.stateless.flow.snapshot.file", flowFile.toString()), engine, overrides);
        StatelessDataflow dataflow = new StandardStatelessDataflowFactory().createDataflow(engine, definition, extensionRoot);
        try {
            dataflow.initialize(() -> true);
            StatelessDataflowValidation validation = dataflow.performValidation();
            assertThat(validation.isValid()).as("flow valid on the engine: %s", validation).isTrue();

            DataflowTrigger trigger = dataflow.trigger();
            TriggerResult result = trigger.getResult(60, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no result within 60 s"));
            assertThat(result.isSuccessful()).as("trigger failed: %s", result.getFailureCause()).isTrue();
            Map<String, List<Output>> outputs = new java.util.TreeMap<>();
            for (Map.Entry<String, List<FlowFile>> port : result.getOutputFlowFiles().entrySet()) {
                List<Output> flowFiles = new ArrayList<>();
                for (FlowFile f : port.getValue()) {
                    flowFiles.add(new Output(f.getAttributes(), new String(result.readContentAsByteArray(f), StandardCharsets.UTF_8)));
                }
                outputs.put(port.getKey(), flowFiles);
            }
            result.acknowledge();
            return outputs;
        } finally {
            dataflow.shutdown();
        }
    }

    @Test
    void aBatchOfReadingsSplitsIntoHourlyJsonLinesAndOneDeadLetterOnTheEngine() throws Exception {
        Map<String, List<Output>> outputs = runOnce(List.of());

        List<Output> valid = outputs.get("valid");
        assertThat(valid).hasSize(2);
        Map<String, Output> byHour = valid.stream().collect(Collectors.toMap(o -> o.attributes().get("reading.partition"), o -> o));
        assertThat(byHour).containsOnlyKeys("dt=2026-11-18/hr=11", "dt=2026-11-18/hr=12");
        assertThat(sequences(byHour.get("dt=2026-11-18/hr=11").content())).containsExactly(1L, 4L);
        assertThat(sequences(byHour.get("dt=2026-11-18/hr=12").content())).containsExactly(2L);
        assertThat(byHour.get("dt=2026-11-18/hr=11").attributes()).containsEntry("reading.count", "2")
                .containsEntry("validation.valid.count", "3").containsEntry("validation.invalid.count", "1")
                .containsEntry("mime.type", "application/x-ndjson");

        List<Output> invalid = outputs.get("invalid");
        assertThat(invalid).hasSize(1);
        assertThat(invalid.get(0).content()).isEqualTo("{\"deviceId\":\"thermo-1\",\"sequence\":3}");
        assertThat(invalid.get(0).attributes()).containsEntry("validation.reason", "field 'values' is missing or not an object")
                .containsEntry("reading.index", "2");
    }

    @Test
    void aParameterOverrideFeedsOtherReadingsThroughTheSameFlow() throws Exception {
        String readings = "{\"deviceId\":\"meter-9\",\"deviceType\":\"power\",\"site\":\"plant-b\",\"eventTime\":0,\"sequence\":1,\"values\":{}}\n"
                + "not json\n";

        Map<String, List<Output>> outputs = runOnce(List.of(new ParameterOverride("Readings to validate", "readings", readings)));

        assertThat(outputs.get("valid")).singleElement().satisfies(o -> {
            assertThat(o.attributes()).containsEntry("reading.partition", "dt=1970-01-01/hr=00");
            assertThat(sequences(o.content())).containsExactly(1L);
        });
        assertThat(outputs.get("invalid")).singleElement().satisfies(o -> {
            assertThat(o.content()).isEqualTo("not json");
            assertThat(o.attributes().get("validation.reason")).startsWith("value is not one JSON value");
        });
    }

    private static List<Long> sequences(String jsonLines) throws IOException {
        List<Long> sequences = new ArrayList<>();
        for (String line : jsonLines.split("\n")) {
            JsonNode reading = JSON.readTree(line);
            sequences.add(reading.path("sequence").asLong());
        }
        return sequences;
    }
}
