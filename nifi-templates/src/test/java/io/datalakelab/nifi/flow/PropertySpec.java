package io.datalakelab.nifi.flow;

import java.util.List;
import java.util.Map;

/**
 * What an extension declares about one property: the facts a flow definition must agree with.
 *
 * @param name                 the property's name, the key in a flow's {@code properties}
 * @param displayName          what NiFi shows
 * @param required             whether NiFi refuses to start the component without a value
 * @param defaultValue         the value when none is set, or {@code null}
 * @param allowableValues      the only values allowed, or {@code null} when any value is
 * @param controllerServiceApi the controller-service interface the value must name a service of, or {@code null}
 * @param sensitive            whether the value is a secret (then only a sensitive parameter may supply it)
 * @param expressionLanguage   NONE, ENVIRONMENT or FLOWFILE_ATTRIBUTES: where ${...} is evaluated
 * @param dependsOn            properties (and their values; empty = any value) that must hold for this one to apply
 * @param dynamic              whether this is a user-defined property the extension accepts
 */
record PropertySpec(String name, String displayName, boolean required, String defaultValue, List<String> allowableValues,
                    String controllerServiceApi, boolean sensitive, String expressionLanguage,
                    Map<String, List<String>> dependsOn, boolean dynamic) {

    boolean supportsExpressionLanguage() {
        return !"NONE".equals(expressionLanguage);
    }
}
