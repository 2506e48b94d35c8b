package io.datalakelab.lab.observe;

import java.util.regex.Pattern;

/**
 * What the dashboard never shows: the value of anything that looks like a password, secret or token in the free
 * text it passes on (health details, error messages), e.g. a JDBC URL's {@code password=...}.
 */
final class Redaction {

    private static final Pattern SECRET = Pattern.compile("(?i)((?:password|passwd|pwd|secret|token|credentials?)\\s*[=:]\\s*)[^\\s,;&)\"']+");

    private Redaction() {
    }

    static String scrub(String text) {
        return text == null ? null : SECRET.matcher(text).replaceAll("$1***");
    }
}
