package io.datalakelab.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The renderer the inventory tests trust must render what templatefile() renders for the same subset. */
class TemplateRendererTest {

    @Test
    void interpolatesNamesAndAttributesOfMaps() {
        String out = TemplateRenderer.render("user: ${user}, host: ${node.address.ip}\n",
                Map.of("user", "admin", "node", Map.of("address", Map.of("ip", "192.0.2.1"))));

        assertThat(out).isEqualTo("user: admin, host: 192.0.2.1\n");
    }

    @Test
    void forLoopWithStripMarkersLeavesNoBlankLines() {
        String template = """
                hosts:
                %{ for i, host in hosts ~}
                  - ${i}: ${host.name}
                %{ endfor ~}
                end
                """;

        String out = TemplateRenderer.render(template, Map.of("hosts", List.of(Map.of("name", "a"), Map.of("name", "b"))));

        assertThat(out).isEqualTo("hosts:\n  - 0: a\n  - 1: b\nend\n");
    }

    @Test
    void withoutStripMarkersTheDirectiveLinesStayAsNewlines() {
        String out = TemplateRenderer.render("[\n%{ for x in xs }\n${x}\n%{ endfor }\n]", Map.of("xs", List.of(1, 2)));

        assertThat(out).isEqualTo("[\n\n1\n\n2\n\n]");
    }

    @Test
    void trailingStripMarkerRemovesWhitespaceOnlyToTheEndOfTheLine() {
        assertThat(TemplateRenderer.render("${x ~}   \n\n  c", Map.of("x", "b"))).isEqualTo("b\n  c");
    }

    @Test
    void leadingStripMarkerRemovesWhitespaceBackToTheStartOfTheLine() {
        assertThat(TemplateRenderer.render("a   \n  ${~ x}", Map.of("x", "b"))).isEqualTo("a   \nb");
        assertThat(TemplateRenderer.render("a \n  \n${~ x}", Map.of("x", "b"))).isEqualTo("a \nb");
    }

    @Test
    void doubledDollarAndPercentAreLiterals() {
        assertThat(TemplateRenderer.render("$${x} %%{ for }", Map.of())).isEqualTo("${x} %{ for }");
    }

    @Test
    void nestedLoopsSeeTheOuterLoopVariable() {
        String out = TemplateRenderer.render("%{ for g in groups }%{ for h in g.hosts }${g.name}/${h} %{ endfor }%{ endfor }",
                Map.of("groups", List.of(Map.of("name", "m", "hosts", List.of("x")), Map.of("name", "w", "hosts", List.of("y", "z")))));

        assertThat(out).isEqualTo("m/x w/y w/z ");
    }

    @Test
    void failsOnWhatItDoesNotRender() {
        assertThatThrownBy(() -> TemplateRenderer.render("${a + 1}", Map.of("a", 1))).hasMessageContaining("unsupported expression");
        assertThatThrownBy(() -> TemplateRenderer.render("%{ if a }x%{ endif }", Map.of("a", true))).hasMessageContaining("unsupported directive");
        assertThatThrownBy(() -> TemplateRenderer.render("${missing}", Map.of())).hasMessageContaining("unknown variable missing");
        assertThatThrownBy(() -> TemplateRenderer.render("${m.nope}", Map.of("m", Map.of()))).hasMessageContaining("m has no attribute nope");
        assertThatThrownBy(() -> TemplateRenderer.render("%{ for x in xs }", Map.of("xs", List.of()))).hasMessageContaining("for without endfor");
        assertThatThrownBy(() -> TemplateRenderer.render("${m}", Map.of("m", Map.of()))).hasMessageContaining("cannot be interpolated");
    }

    @Test
    void reportsTheVariablesATemplateReads() {
        String template = "${a} %{ for i, x in xs }${x.y}${i}${b}%{ endfor }";

        assertThat(TemplateRenderer.variablesRead(template)).containsExactly("a", "b", "xs");
    }
}
