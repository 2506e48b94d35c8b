package io.datalakelab.nifi.flow;

import java.util.Optional;

/** The extension types of one NiFi release, as a flow checker needs them. */
interface Extensions {

    String nifiVersion();

    Optional<ExtensionSpec> find(String type);

    /** Where the types come from, for messages: "the standard jars and nifi-2-catalogue.json". */
    String sources();
}
