package ai.portal.ui.admin;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.JobsApi.GpuTypeCapacity;
import ai.portal.ui.backend.JobsApi.Node;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.MetricsApi.FleetNow;
import ai.portal.ui.backend.MetricsApi.GpuTypeNow;
import ai.portal.ui.backend.MetricsClient;
import ai.portal.ui.components.PortalView;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Section;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.live.LiveUpdates;
import ai.portal.ui.metrics.GpuPanels;
import ai.portal.ui.quota.Quantities;
import ai.portal.ui.security.CurrentUser;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;

/**
 * The cluster's GPUs for a platform admin: per GPU type how many exist, are allocated, are free and — from the GPU
 * metrics — how many allocated ones sit idle; every node with its GPU type and allocation; and the fleet's GPU
 * panels. The allocation comes from the job runner (what the scheduler sees), idleness from DCGM metrics: a part
 * whose backend is down says so while the rest stays.
 */
@Route("admin/cluster")
@RolesAllowed(CurrentUser.PLATFORM_ADMIN)
public class ClusterView extends VerticalLayout implements PortalView {

    private final JobsClient jobs;
    private final MetricsClient metrics;

    public ClusterView(JobsClient jobs, MetricsClient metrics, LiveUpdates live) {
        this.jobs = jobs;
        this.metrics = metrics;
        addClassName("portal-page");
        Section types = new Section("gpu-inventory", getTranslation("admin.cluster.by-type"));
        Section nodes = new Section("cluster-nodes", getTranslation("admin.cluster.nodes"));
        Section fleet = new Section("fleet-panels", getTranslation("admin.cluster.fleet"));
        add(types, nodes, fleet);
        types.load("admin.cluster.load", this::inventory, this::inventoryView);
        nodes.load("admin.cluster.load-nodes", jobs::clusterNodes, this::nodesView);
        fleet.show(GpuPanels.fleet(metrics));
    }

    /** Allocation from the job runner; idleness from the metrics, when they answer. */
    record Inventory(List<GpuTypeCapacity> types, FleetNow fleet, BackendException metricsFailure) {
    }

    private Inventory inventory() {
        List<GpuTypeCapacity> types = jobs.clusterGpus();
        try {
            return new Inventory(types, metrics.fleetNow(), null);
        } catch (BackendException failure) {
            return new Inventory(types, null, failure);
        }
    }

    private Component inventoryView(Inventory inventory) {
        VerticalLayout content = new VerticalLayout();
        content.setPadding(false);
        if (inventory.types().isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("admin.cluster.no-gpus"));
            none.setId("no-gpus");
            content.add(none);
            return content;
        }
        Map<String, GpuTypeNow> now = new LinkedHashMap<>();
        if (inventory.fleet() != null) {
            inventory.fleet().types().forEach(type -> now.put(type.gpuType(), type));
        }
        Div cards = new Div();
        cards.addClassName("portal-grid-cards");
        cards.setId("gpu-type-cards");
        for (GpuTypeCapacity type : inventory.types()) {
            cards.add(card(type, now.get(type.gpuType()), inventory.fleet() != null));
        }
        content.add(cards);
        if (inventory.metricsFailure() != null) {
            Paragraph why = new Paragraph(getTranslation("admin.cluster.idle-unknown",
                    Problems.reason(this, inventory.metricsFailure())));
            why.setId("idle-unknown");
            why.addClassName("portal-not-yet");
            content.add(why);
        } else if (inventory.fleet() != null) {
            Paragraph threshold = new Paragraph(getTranslation("admin.cluster.idle-meaning",
                    Formats.number(inventory.fleet().idleThresholdPercent())));
            threshold.addClassName("portal-hint");
            content.add(threshold);
        }
        return content;
    }

    private Component card(GpuTypeCapacity type, GpuTypeNow now, boolean metricsAnswered) {
        Div card = new Div();
        card.addClassName("portal-card");
        card.addClassName("portal-inventory-card");
        card.getElement().setAttribute("data-gpu-type", type.gpuType());
        H3 name = new H3(type.gpuType());
        card.add(name);
        card.add(fact("allocated", getTranslation("admin.cluster.allocated"), type.allocated(), type.total()));
        card.add(fact("free", getTranslation("admin.cluster.free"), type.free(), type.total()));
        String idle = now != null ? String.valueOf(now.allocatedIdleNow())
                : metricsAnswered ? "0" : getTranslation("admin.cluster.unknown");
        Div idleFact = new Div(new Span(getTranslation("admin.cluster.idle")), new Span(idle));
        idleFact.addClassName("portal-fact");
        idleFact.getElement().setAttribute("data-fact", "idle");
        card.add(idleFact);
        Span nodes = new Span(getTranslation("admin.cluster.type-facts", type.nodes(), type.total(),
                type.largestFreeOnNode(), type.largestNode()));
        nodes.addClassName("portal-hint");
        card.add(nodes);
        if (now != null && now.utilization() != null) {
            Span utilization = new Span(getTranslation("admin.cluster.utilization",
                    Formats.number(Math.round(now.utilization()))));
            utilization.addClassName("portal-hint");
            card.add(new Div(utilization));
        }
        return card;
    }

    private Component fact(String id, String label, int value, int total) {
        Div fact = new Div(new Span(label), new Span(getTranslation("admin.cluster.of", value, total)));
        fact.addClassName("portal-fact");
        fact.getElement().setAttribute("data-fact", id);
        return fact;
    }

    private Component nodesView(List<Node> nodes) {
        if (nodes.isEmpty()) {
            return new Paragraph(getTranslation("admin.cluster.no-nodes"));
        }
        Grid<Node> grid = new Grid<>();
        grid.setId("nodes-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.setAllRowsVisible(true);
        grid.addColumn(Node::name).setHeader(getTranslation("admin.cluster.node")).setAutoWidth(true)
                .setSortable(true);
        grid.addColumn(node -> node.gpuType() == null ? getTranslation("admin.cluster.cpu-only") : node.gpuType())
                .setHeader(getTranslation("admin.cluster.gpu-type")).setAutoWidth(true).setSortable(true)
                .setComparator(Comparator.comparing(node -> node.gpuType() == null ? "" : node.gpuType()));
        grid.addColumn(node -> node.gpus() == 0 ? "" : getTranslation("admin.cluster.of", node.gpusAllocated(),
                node.gpus())).setHeader(getTranslation("admin.cluster.gpus-allocated")).setAutoWidth(true);
        grid.addColumn(node -> node.gpus() == 0 ? "" : String.valueOf(node.gpusFree()))
                .setHeader(getTranslation("admin.cluster.free")).setAutoWidth(true);
        grid.addColumn(node -> getTranslation("admin.cluster.of", Quantities.cores(node.cpuRequested()),
                Quantities.cores(node.cpu()))).setHeader(getTranslation("admin.cluster.cpu")).setAutoWidth(true);
        grid.addColumn(node -> getTranslation("admin.cluster.of", Quantities.bytes(node.memoryRequested()),
                Quantities.bytes(node.memory()))).setHeader(getTranslation("admin.cluster.memory")).setAutoWidth(true);
        grid.addComponentColumn(node -> {
            Badge usable = new Badge(getTranslation(node.usable() ? "admin.cluster.usable" : "admin.cluster.unusable"));
            usable.getElement().setAttribute("data-usable", String.valueOf(node.usable()));
            return usable;
        }).setHeader(getTranslation("admin.cluster.state")).setAutoWidth(true);
        grid.setItems(nodes.stream().sorted(Comparator.comparing((Node node) -> node.gpuType() == null ? "~"
                : node.gpuType()).thenComparing(Node::name)).toList());
        return grid;
    }

    @Override
    public String viewTitle() {
        return getTranslation("admin.cluster.title");
    }
}
