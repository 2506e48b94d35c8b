package io.datalakelab.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Every Terraform file under terraform/, parsed once for all test classes of the run. */
final class TerraformTree {

    static final Path DIR = Path.of(System.getProperty("terraform.dir", ".")).toAbsolutePath().normalize();
    static final String TFVARS_EXAMPLE = "terraform.tfvars.example";

    private static TerraformTree parsed;

    final List<Path> terraformFiles;
    final List<Path> tfvarsExamples;
    final Map<Path, JsonNode> json;

    private TerraformTree(List<Path> terraformFiles, List<Path> tfvarsExamples, Map<Path, JsonNode> json) {
        this.terraformFiles = terraformFiles;
        this.tfvarsExamples = tfvarsExamples;
        this.json = json;
    }

    static synchronized TerraformTree get() throws IOException, InterruptedException {
        if (parsed == null) {
            List<Path> terraformFiles = filesNamed(name -> name.endsWith(".tf"));
            List<Path> tfvarsExamples = filesNamed(TFVARS_EXAMPLE::equals);
            List<Path> all = Stream.concat(terraformFiles.stream(), tfvarsExamples.stream()).toList();
            parsed = new TerraformTree(terraformFiles, tfvarsExamples, new HclParser(DIR).parse(all));
        }
        return parsed;
    }

    /** Files under modules/ and examples/; node_modules, .terraform and build output are not ours. */
    private static List<Path> filesNamed(Predicate<String> name) {
        try (Stream<Path> files = Stream.concat(Files.walk(DIR.resolve("modules")), Files.walk(DIR.resolve("examples")))) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> name.test(file.getFileName().toString()))
                    .filter(file -> !file.toString().contains("/.terraform/"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> moduleDirs() {
        return subdirectories(DIR.resolve("modules"));
    }

    static List<Path> exampleDirs() {
        return subdirectories(DIR.resolve("examples"));
    }

    private static List<Path> subdirectories(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TerraformModule module(Path dir) {
        return TerraformModule.of(dir.toAbsolutePath().normalize(), json);
    }

    List<TerraformModule> modules() {
        return moduleDirs().stream().map(this::module).toList();
    }

    List<TerraformModule> examples() {
        return exampleDirs().stream().map(this::module).toList();
    }

    List<TerraformModule> allModules() {
        return Stream.concat(modules().stream(), examples().stream()).toList();
    }

    JsonNode tfvarsExample(Path exampleDir) {
        return json.get(exampleDir.resolve(TFVARS_EXAMPLE));
    }
}
