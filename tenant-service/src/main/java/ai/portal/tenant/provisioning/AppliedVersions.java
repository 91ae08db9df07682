package ai.portal.tenant.provisioning;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The resourceVersion each of our applies left an object at, so the watcher can tell our own writes from anybody
 * else's exactly (managedFields cannot: a hand edit that only removes fields leaves no entry of its own). One entry
 * per object, dropped when the object is deleted; bounded by the number of teams times the kinds a team owns.
 */
public final class AppliedVersions {

    private final Map<String, String> versions = new ConcurrentHashMap<>();

    void record(HasMetadata applied) {
        if (applied != null && applied.getMetadata().getResourceVersion() != null) {
            versions.put(key(applied), applied.getMetadata().getResourceVersion());
        }
    }

    void forget(HasMetadata object) {
        versions.remove(key(object));
    }

    /** Whether this version of the object is the one our last apply produced. */
    boolean isOurs(HasMetadata object) {
        return Objects.equals(versions.get(key(object)), object.getMetadata().getResourceVersion());
    }

    private static String key(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }
}
