package io.datalakelab.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads Terraform files with HashiCorp's HCL parser, compiled to WebAssembly in the npm package @cdktf/hcl2json and
 * run by {@code src/test/node/hcl2json.mjs}. Blocks come back as JSON the way Terraform's JSON syntax writes them:
 * {@code variable.<name>} is a list of blocks, and an expression is a string {@code "${...}"}.
 */
final class HclParser {

    private static final long DEADLINE_SECONDS = 120;

    private final Path terraformDir;

    HclParser(Path terraformDir) {
        this.terraformDir = terraformDir;
    }

    /** Parses every file in one node run (the parser takes a while to load); fails naming the file that does not parse. */
    Map<Path, JsonNode> parse(List<Path> files) throws IOException, InterruptedException {
        Path script = terraformDir.resolve("src/test/node/hcl2json.mjs");
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        files.forEach(file -> command.add(file.toAbsolutePath().toString()));

        Path stdout = Files.createTempFile("hcl2json", ".json");
        Path stderr = Files.createTempFile("hcl2json", ".err");
        try {
            Process node;
            try {
                node = new ProcessBuilder(command)
                        .directory(terraformDir.toFile())
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run node (apt install nodejs npm): " + e.getMessage(), e);
            }
            if (!node.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw new IllegalStateException("hcl2json did not finish within " + DEADLINE_SECONDS + " s");
            }
            if (node.exitValue() != 0) {
                throw new HclSyntaxError(Files.readString(stderr, StandardCharsets.UTF_8).strip());
            }
            JsonNode parsed = new ObjectMapper().readTree(stdout.toFile());
            Map<Path, JsonNode> byFile = new LinkedHashMap<>();
            for (Path file : files) {
                JsonNode json = parsed.get(file.toAbsolutePath().toString());
                if (json == null) {
                    throw new IllegalStateException("hcl2json returned nothing for " + file);
                }
                byFile.put(file, json);
            }
            return byFile;
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** The parser's message, which names the file, the line and what is wrong. */
    static final class HclSyntaxError extends RuntimeException {
        HclSyntaxError(String message) {
            super(message);
        }
    }
}
