package io.datalakelab.nifi.flow;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.nifi.flow.Bundle;

/** A processor or controller-service type of the NiFi release the flows target, as far as a flow definition is concerned. */
interface ExtensionSpec {

    enum Kind { PROCESSOR, CONTROLLER_SERVICE }

    /** A controller-service interface a service implements, and the bundle that defines it. */
    record ProvidedApi(String type, Bundle bundle) {
    }

    String type();

    Kind kind();

    /** The bundle (NAR) NiFi loads the type from. */
    Bundle bundle();

    /** Where these facts come from: a jar on the test class path, or the catalogue's source files. */
    String origin();

    List<PropertySpec> declaredProperties();

    /** A declared property, or a dynamic one when the type accepts user-defined properties; empty otherwise. */
    Optional<PropertySpec> property(String name);

    /** The relationships the type has when configured with these (resolved) property values. */
    Set<String> relationships(Map<String, String> configuredValues);

    /** For controller services: the interfaces it provides. */
    List<ProvidedApi> providedApis();
}
