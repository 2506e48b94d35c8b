package io.datalakelab.nifi.flow;

import java.util.HashMap;
import java.util.Map;
import org.apache.nifi.controller.ControllerService;
import org.apache.nifi.flow.VersionedControllerService;
import org.apache.nifi.flow.VersionedParameter;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockPropertyValue;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/**
 * The processors of a flow definition, each set up in nifi-mock exactly as the definition configures it: its
 * properties with the parameters resolved (parameter values may be overridden, as a user would), and the controller
 * services it references, configured from the definition and enabled. Feeding one runner's output to the next runs a
 * flow's steps with the real processors and NiFi's own expression language.
 */
final class FlowComponents {

    private final RegisteredFlowSnapshot flow;
    private final Map<String, String> parameters = new HashMap<>();

    FlowComponents(RegisteredFlowSnapshot flow, Map<String, String> parameterOverrides) {
        this.flow = flow;
        for (VersionedParameter parameter : flow.getParameterContexts().get(flow.getFlowContents().getParameterContextName()).getParameters()) {
            parameters.put(parameter.getName(), parameter.getValue());
        }
        parameterOverrides.forEach((name, value) -> {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("the flow has no parameter " + name);
            }
            parameters.put(name, value);
        });
    }

    VersionedProcessor processor(String name) {
        return flow.getFlowContents().getProcessors().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the flow has no processor named '" + name + "'"));
    }

    /** A runner for the named processor of the flow, configured as the flow configures it. */
    TestRunner runner(String processorName) {
        VersionedProcessor processor = processor(processorName);
        TestRunner runner;
        try {
            runner = TestRunners.newTestRunner(Class.forName(processor.getType()).asSubclass(Processor.class));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(processor.getType() + " is not on the test class path: it cannot run in nifi-mock", e);
        }
        processor.getProperties().forEach((name, raw) -> {
            if (raw == null) {
                return;
            }
            VersionedControllerService service = service(raw);
            if (service != null) {
                addService(runner, service);
            }
            runner.setProperty(name, resolve(raw));
        });
        runner.assertValid();
        return runner;
    }

    /** A property value of the named processor, parameters resolved and expression language evaluated against attributes. */
    String evaluate(String processorName, String property, Map<String, String> attributes) {
        String raw = processor(processorName).getProperties().get(property);
        return new MockPropertyValue(resolve(raw)).evaluateAttributeExpressions(attributes).getValue();
    }

    String resolve(String raw) {
        return ParameterReferences.resolve(raw, parameters);
    }

    private VersionedControllerService service(String id) {
        return flow.getFlowContents().getControllerServices().stream().filter(s -> s.getIdentifier().equals(id)).findFirst().orElse(null);
    }

    private void addService(TestRunner runner, VersionedControllerService definition) {
        if (runner.getControllerService(definition.getIdentifier()) != null) {
            return;
        }
        try {
            ControllerService service = Class.forName(definition.getType()).asSubclass(ControllerService.class)
                    .getDeclaredConstructor().newInstance();
            runner.addControllerService(definition.getIdentifier(), service);
            definition.getProperties().forEach((name, raw) -> {
                if (raw != null) {
                    runner.setProperty(service, name, resolve(raw));
                }
            });
            runner.enableControllerService(service);
        } catch (ReflectiveOperationException | InitializationException e) {
            throw new IllegalStateException("cannot set up controller service '" + definition.getName() + "' (" + definition.getType() + ")", e);
        }
    }
}
