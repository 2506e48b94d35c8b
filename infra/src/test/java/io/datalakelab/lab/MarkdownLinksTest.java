package io.datalakelab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every relative link in the repository's Markdown (READMEs, docs/) points at a file that exists. */
class MarkdownLinksTest {

    private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyRelativeLinkInTheRepositorysMarkdownResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        try (Stream<Path> files = Files.walk(REPOSITORY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".md")).filter(MarkdownLinksTest::isSource).toList()) {
                Matcher link = LINK.matcher(Files.readString(file));
                while (link.find()) {
                    String target = link.group(1).replaceFirst("#.*$", "");
                    if (target.isEmpty() || target.matches("^[a-z]+:.*")) {
                        continue; // an anchor in the same page, or http:, https:, mailto:
                    }
                    if (!Files.exists(file.getParent().resolve(target).normalize())) {
                        broken.add(REPOSITORY.relativize(file) + " -> " + link.group(1));
                    }
                }
            }
        }
        assertThat(broken).as("relative links whose target does not exist").isEmpty();
    }

    private static boolean isSource(Path file) {
        String relative = REPOSITORY.relativize(file).toString();
        return !relative.contains("/target/") && !relative.startsWith(".") && !relative.contains("/node_modules/") && !relative.contains("/.lab/");
    }
}
