package io.datalakelab.terraform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the part of Terraform's template language that the inventory template uses, as templatefile() does:
 * <ul>
 *   <li>{@code ${name}} and {@code ${name.attr.attr}}: a variable, or an attribute of a map;</li>
 *   <li>{@code %{ for x in list }} / {@code %{ for i, x in list }} ... {@code %{ endfor }};</li>
 *   <li>strip markers, as HCL applies them to literal text that it reads line by line: {@code ~} before the closing
 *       brace removes the whitespace after the tag up to and including the end of its line, {@code ~} after the
 *       opening brace the whitespace before the tag back to the start of its line (and the previous line break too
 *       when the tag starts its line);</li>
 *   <li>a doubled {@code $} or {@code %} before an opening brace writes the two characters literally.</li>
 * </ul>
 * Anything else (if, function calls, arithmetic) fails: the template must stay inside what the tests can render.
 */
final class TemplateRenderer {

    private static final Pattern FOR = Pattern.compile("for\\s+([A-Za-z_]\\w*)(?:\\s*,\\s*([A-Za-z_]\\w*))?\\s+in\\s+(\\S+)");
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*");

    private sealed interface Node permits Text, Interpolation, ForLoop {}

    private record Text(String text) implements Node {}

    private record Interpolation(String reference) implements Node {}

    private record ForLoop(String indexName, String valueName, String collection, List<Node> body) implements Node {}

    /** A {@code ${...}} or {@code %{...}} tag with its strip markers. */
    private record Tag(boolean directive, String content, boolean stripBefore, boolean stripAfter) {}

    private TemplateRenderer() {}

    static String render(String template, Map<String, ?> variables) {
        StringBuilder out = new StringBuilder();
        render(parse(template), new HashMap<>(variables), out);
        return out.toString();
    }

    /** The names a template reads from its variables (loop variables excluded). */
    static Set<String> variablesRead(String template) {
        Set<String> names = new TreeSet<>();
        collectVariables(parse(template), Set.of(), names);
        return names;
    }

    private static List<Node> parse(String template) {
        List<StringBuilder> literals = new ArrayList<>(List.of(new StringBuilder()));
        List<Tag> tags = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
                literals.get(literals.size() - 1).append(template.charAt(i + 1)).append('{');
                i += 3;
            } else if (template.startsWith("${", i) || template.startsWith("%{", i)) {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed " + template.substring(i, i + 2) + " at offset " + i);
                }
                String content = template.substring(i + 2, close);
                boolean stripBefore = content.startsWith("~");
                boolean stripAfter = content.length() > 1 && content.endsWith("~");
                content = content.substring(stripBefore ? 1 : 0, content.length() - (stripAfter ? 1 : 0)).strip();
                tags.add(new Tag(template.charAt(i) == '%', content, stripBefore, stripAfter));
                literals.add(new StringBuilder());
                i = close + 1;
            } else {
                literals.get(literals.size() - 1).append(template.charAt(i));
                i++;
            }
        }

        // Tag j sits between literal j and literal j + 1.
        List<String> texts = new ArrayList<>(literals.stream().map(StringBuilder::toString).toList());
        for (int j = 0; j < tags.size(); j++) {
            if (tags.get(j).stripBefore()) {
                texts.set(j, stripLastLineTrailing(texts.get(j)));
            }
            if (tags.get(j).stripAfter()) {
                texts.set(j + 1, stripFirstLineLeading(texts.get(j + 1)));
            }
        }

        Deque<List<Node>> open = new ArrayDeque<>();
        Deque<Matcher> openLoops = new ArrayDeque<>();
        open.push(new ArrayList<>());
        for (int j = 0; j <= tags.size(); j++) {
            if (!texts.get(j).isEmpty()) {
                open.peek().add(new Text(texts.get(j)));
            }
            if (j == tags.size()) {
                break;
            }
            Tag tag = tags.get(j);
            if (!tag.directive()) {
                if (!REFERENCE.matcher(tag.content()).matches()) {
                    throw new IllegalArgumentException("unsupported expression ${" + tag.content() + "}: only names and name.attribute");
                }
                open.peek().add(new Interpolation(tag.content()));
                continue;
            }
            Matcher loop = FOR.matcher(tag.content());
            if (loop.matches()) {
                openLoops.push(loop);
                open.push(new ArrayList<>());
            } else if (tag.content().equals("endfor")) {
                if (openLoops.isEmpty()) {
                    throw new IllegalArgumentException("endfor without for");
                }
                Matcher header = openLoops.pop();
                List<Node> body = open.pop();
                boolean indexed = header.group(2) != null;
                open.peek().add(new ForLoop(indexed ? header.group(1) : null, indexed ? header.group(2) : header.group(1), header.group(3), body));
            } else {
                throw new IllegalArgumentException("unsupported directive %{" + tag.content() + "}: only for and endfor");
            }
        }
        if (!openLoops.isEmpty()) {
            throw new IllegalArgumentException("for without endfor: %{ " + openLoops.peek().group() + " }");
        }
        return open.pop();
    }

    /**
     * HCL's scanner cuts literal text into tokens that end with a line break, and a strip marker trims one token:
     * after a tag, the rest of the tag's line.
     */
    private static String stripFirstLineLeading(String text) {
        int lineBreak = text.indexOf('\n');
        String firstLine = lineBreak < 0 ? text : text.substring(0, lineBreak + 1);
        return firstLine.stripLeading() + text.substring(firstLine.length());
    }

    /** Before a tag, the text since the last line break, or the whole previous line when the tag starts its line. */
    private static String stripLastLineTrailing(String text) {
        int end = text.endsWith("\n") ? text.length() - 1 : text.length();
        int lastLine = text.lastIndexOf('\n', end - 1) + 1;
        return text.substring(0, lastLine) + text.substring(lastLine).stripTrailing();
    }

    private static void render(List<Node> nodes, Map<String, Object> scope, StringBuilder out) {
        for (Node node : nodes) {
            if (node instanceof Text text) {
                out.append(text.text());
            } else if (node instanceof Interpolation interpolation) {
                out.append(format(interpolation.reference(), resolve(interpolation.reference(), scope)));
            } else if (node instanceof ForLoop loop) {
                if (!(resolve(loop.collection(), scope) instanceof List<?> items)) {
                    throw new IllegalArgumentException("for over " + loop.collection() + ", which is not a list");
                }
                for (int index = 0; index < items.size(); index++) {
                    Map<String, Object> inner = new HashMap<>(scope);
                    if (loop.indexName() != null) {
                        inner.put(loop.indexName(), index);
                    }
                    inner.put(loop.valueName(), items.get(index));
                    render(loop.body(), inner, out);
                }
            }
        }
    }

    private static Object resolve(String reference, Map<String, Object> scope) {
        String[] parts = reference.split("\\.");
        if (!scope.containsKey(parts[0])) {
            throw new IllegalArgumentException("unknown variable " + parts[0]);
        }
        Object value = scope.get(parts[0]);
        for (int p = 1; p < parts.length; p++) {
            if (!(value instanceof Map<?, ?> map) || !map.containsKey(parts[p])) {
                throw new IllegalArgumentException(String.join(".", Arrays.copyOf(parts, p)) + " has no attribute " + parts[p]);
            }
            value = map.get(parts[p]);
        }
        return value;
    }

    /** As Terraform: strings, numbers and booleans interpolate; null, lists and maps are errors. */
    private static String format(String reference, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new IllegalArgumentException("${" + reference + "} is " + (value == null ? "null" : "a " + value.getClass().getSimpleName()) + ", which cannot be interpolated");
    }

    private static void collectVariables(List<Node> nodes, Set<String> bound, Set<String> names) {
        for (Node node : nodes) {
            if (node instanceof Interpolation interpolation) {
                addRoot(interpolation.reference(), bound, names);
            } else if (node instanceof ForLoop loop) {
                addRoot(loop.collection(), bound, names);
                Set<String> inner = new HashSet<>(bound);
                inner.add(loop.valueName());
                if (loop.indexName() != null) {
                    inner.add(loop.indexName());
                }
                collectVariables(loop.body(), inner, names);
            }
        }
    }

    private static void addRoot(String reference, Set<String> bound, Set<String> names) {
        String root = reference.split("\\.")[0];
        if (!bound.contains(root)) {
            names.add(root);
        }
    }
}
