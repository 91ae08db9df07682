package ai.portal.logs.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/** Lets another feature keep an index of its own from the pod informer's events, instead of a second informer. */
@FunctionalInterface
public interface PodEvents {

    /** The handler hears of the pods already known, then of every change. */
    void subscribe(ResourceEventHandler<Pod> handler);

    /** Without a cluster: no pod events, ever. */
    PodEvents NONE = handler -> {
    };
}
