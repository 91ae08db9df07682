package ai.portal.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The objects {@code helm template} printed, in order. */
record Rendered(List<GenericKubernetesResource> objects, List<String> documents) {

    static Rendered parse(String yaml) {
        List<String> docs = Arrays.stream(yaml.split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#")))
                .toList();
        return new Rendered(docs.stream().map(doc -> Serialization.unmarshal(doc, GenericKubernetesResource.class))
                .toList(), docs);
    }

    List<GenericKubernetesResource> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
    }

    GenericKubernetesResource one(String kind, Predicate<String> name) {
        List<GenericKubernetesResource> found = ofKind(kind).stream().filter(o -> name.test(o.getMetadata().getName()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.stream()
                    .map(o -> o.getMetadata().getName()).toList());
        }
        return found.get(0);
    }

    Optional<GenericKubernetesResource> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    /** The object as a typed model (Deployment, ClusterRole ...). */
    static <T extends HasMetadata> T as(GenericKubernetesResource object, Class<T> type) {
        return Serialization.unmarshal(Serialization.asYaml(object), type);
    }
}
