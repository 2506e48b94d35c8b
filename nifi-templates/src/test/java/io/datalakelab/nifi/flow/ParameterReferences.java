package io.datalakelab.nifi.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NiFi's parameter references, {@code #{name}} or {@code #{'name with spaces'}}; {@code ##{} is an escaped literal. */
final class ParameterReferences {

    private static final Pattern REFERENCE = Pattern.compile("(?<!#)#\\{('([^']*)'|([^}]*))\\}");

    private ParameterReferences() {
    }

    static List<String> in(String value) {
        List<String> names = new ArrayList<>();
        if (value == null) {
            return names;
        }
        Matcher m = REFERENCE.matcher(value);
        while (m.find()) {
            names.add(m.group(2) != null ? m.group(2) : m.group(3));
        }
        return names;
    }

    /** The value with each defined parameter replaced by its value; undefined references stay as they are. */
    static String resolve(String value, Map<String, String> parameters) {
        if (value == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2) != null ? m.group(2) : m.group(3);
            String replacement = parameters.containsKey(name) ? parameters.get(name) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? "" : replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The value without its parameter references: what the flow itself fixes. */
    static String withoutReferences(String value) {
        return value == null ? null : REFERENCE.matcher(value).replaceAll("");
    }

    /** Whether the value is exactly one parameter reference and nothing else. */
    static boolean isWholeReference(String value) {
        return value != null && REFERENCE.matcher(value).matches();
    }
}
