package io.condenser.job;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Every compression method the service offers, found by step type and method name. */
@Component
public class MethodCatalog {

    private final List<StepDefinition> definitions;

    public MethodCatalog(List<StepDefinition> definitions) {
        this.definitions = definitions.stream()
                .sorted(Comparator.comparing(StepDefinition::type).thenComparing(StepDefinition::method))
                .toList();
    }

    public List<StepDefinition> all() {
        return definitions;
    }

    public List<String> types() {
        return definitions.stream().map(StepDefinition::type).distinct().toList();
    }

    public List<StepDefinition> ofType(String type) {
        return definitions.stream().filter(d -> d.type().equals(type)).toList();
    }

    public Optional<StepDefinition> find(String type, String method) {
        return definitions.stream().filter(d -> d.type().equals(type) && d.method().equals(method)).findFirst();
    }
}
