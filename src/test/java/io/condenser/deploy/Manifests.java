package io.condenser.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Kubernetes manifests or a Compose file parsed into maps and lists, with small helpers to walk them. */
final class Manifests {

    private final List<Map<String, Object>> documents;

    private Manifests(List<Map<String, Object>> documents) {
        this.documents = documents;
    }

    /** Every non-empty YAML document of {@code yaml} (Helm renders one per resource). */
    static Manifests parse(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return new Manifests(documents);
    }

    List<Map<String, Object>> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(at(d, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + names()));
    }

    List<String> names() {
        return documents.stream().map(d -> d.get("kind") + "/" + at(d, "metadata", "name")).toList();
    }

    Map<String, Object> only() {
        assertThat(documents).hasSize(1);
        return documents.getFirst();
    }

    /** Walks maps by key and lists by index; null where a step is missing. */
    static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current == null) {
                return null;
            }
            current = step instanceof Integer index ? list(current).get(index) : map(current).get(step);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        assertThat(node).as("expected a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        assertThat(node).as("expected a sequence").isInstanceOf(List.class);
        return (List<Object>) node;
    }

    /** The single container of a Deployment's pod. */
    static Map<String, Object> container(Map<String, Object> deployment) {
        List<Object> containers = list(at(deployment, "spec", "template", "spec", "containers"));
        assertThat(containers).hasSize(1);
        return map(containers.getFirst());
    }

    /** A container's variables with plain values (those read from secrets are left out). */
    static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Object entry : list(container.get("env"))) {
            if (map(entry).containsKey("value")) {
                env.put((String) map(entry).get("name"), map(entry).get("value"));
            }
        }
        return env;
    }

    /** A container's variables that come from secrets: name to [secret name, key, optional]. */
    static Map<String, List<Object>> secretEnv(Map<String, Object> container) {
        Map<String, List<Object>> refs = new LinkedHashMap<>();
        for (Object entry : list(container.get("env"))) {
            Object ref = at(entry, "valueFrom", "secretKeyRef");
            if (ref != null) {
                refs.put((String) map(entry).get("name"), Arrays.asList(map(ref).get("name"),
                        map(ref).get("key"), Objects.requireNonNullElse(map(ref).get("optional"), false)));
            }
        }
        return refs;
    }
}
