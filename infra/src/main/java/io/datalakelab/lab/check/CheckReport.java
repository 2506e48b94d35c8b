package io.datalakelab.lab.check;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code lab check <lab>} found: one line per expectation of the lab, met or not, each saying what was
 * seen (and, when not met, what to do about it).
 */
public final class CheckReport {

    /** One expectation of a lab and what the live lab showed. */
    public record Expectation(boolean met, String text) {
    }

    private final CourseLab lab;
    private final List<Expectation> expectations = new ArrayList<>();

    CheckReport(CourseLab lab) {
        this.lab = lab;
    }

    /** Records an expectation; returns {@code met} so that a check can stop at the first one the rest depend on. */
    boolean expect(boolean met, String text) {
        expectations.add(new Expectation(met, text));
        return met;
    }

    public CourseLab lab() {
        return lab;
    }

    public List<Expectation> expectations() {
        return List.copyOf(expectations);
    }

    /** Every expectation met (and there was at least one). */
    public boolean passed() {
        return !expectations.isEmpty() && expectations.stream().allMatch(Expectation::met);
    }

    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("lab %d, %s: %s%n", lab.number(), lab.id(), passed() ? "PASS" : "FAIL"));
        for (Expectation e : expectations) {
            out.append(String.format("  %-4s  %s%n", e.met() ? "ok" : "FAIL", e.text()));
        }
        return out.toString();
    }
}
