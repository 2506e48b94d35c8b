package io.datalakelab.nifi.flow;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;

/** The flow definitions of this module, read into NiFi's own model of a versioned flow. */
final class FlowDefinitions {

    /**
     * Stricter than NiFi's upload, which ignores unknown fields: here a misspelt key ("selectedRelationship") is an
     * error instead of a silently missing setting.
     */
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private FlowDefinitions() {
    }

    /** The module's {@code flows/} directory (the build passes it as {@code flows.dir}). */
    static Path directory() {
        return Path.of(System.getProperty("flows.dir", "flows"));
    }

    static List<Path> all() throws IOException {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    static Path named(String fileName) {
        return directory().resolve(fileName);
    }

    static JsonNode tree(Path file) throws IOException {
        return STRICT.readTree(file.toFile());
    }

    static RegisteredFlowSnapshot read(Path file) throws IOException {
        return STRICT.readValue(file.toFile(), RegisteredFlowSnapshot.class);
    }

    static RegisteredFlowSnapshot read(JsonNode tree) throws IOException {
        return STRICT.treeToValue(tree, RegisteredFlowSnapshot.class);
    }
}
