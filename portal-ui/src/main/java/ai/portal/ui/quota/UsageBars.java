package ai.portal.ui.quota;

import java.util.Map;

import ai.portal.ui.backend.TenantApi.GpuUsage;
import ai.portal.ui.backend.TenantApi.QuotaUsage;
import ai.portal.ui.backend.TenantApi.ResourceUsage;
import ai.portal.ui.components.QuotaBar;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;

/** A team's quota use: one bar per quota'd resource (used / hard) and one per GPU type. */
public class UsageBars extends Div {

    /** The ResourceQuota keys people read, in the order they care about. */
    private static final Map<String, String> RESOURCES = new java.util.LinkedHashMap<>();

    static {
        RESOURCES.put("requests.nvidia.com/gpu", "quota.resource.gpus");
        RESOURCES.put("requests.cpu", "quota.resource.cpu");
        RESOURCES.put("requests.memory", "quota.resource.memory");
        RESOURCES.put("requests.storage", "quota.resource.storage");
        RESOURCES.put("requests.ephemeral-storage", "quota.resource.ephemeral-storage");
        RESOURCES.put("persistentvolumeclaims", "quota.resource.pvcs");
        RESOURCES.put("pods", "quota.resource.pods");
        RESOURCES.put("count/pods", "quota.resource.pods");
    }

    public UsageBars(QuotaUsage usage, Map<String, String> gpuNames) {
        addClassName("portal-usage");
        Div gpus = new Div();
        gpus.addClassName("portal-bars");
        gpus.getElement().setAttribute("data-testid", "gpu-bars");
        for (GpuUsage gpu : usage.gpus()) {
            String name = gpuNames.getOrDefault(gpu.gpuType(), gpu.gpuType());
            QuotaBar bar = new QuotaBar(name, gpu.used(), gpu.hard(), String.valueOf(gpu.used()),
                    String.valueOf(gpu.hard()));
            bar.getElement().setAttribute("data-gpu-type", gpu.gpuType());
            gpus.add(bar);
        }
        H3 gpuHeading = new H3(getTranslation("quota.gpus-by-type"));
        add(gpuHeading);
        if (usage.gpus().isEmpty()) {
            add(new Paragraph(getTranslation("quota.no-gpus")));
        } else {
            add(gpus);
        }

        Div resources = new Div();
        resources.addClassName("portal-bars");
        for (var entry : RESOURCES.entrySet()) {
            usage.resources().stream().filter(r -> r.resource().equals(entry.getKey())).findFirst()
                    .ifPresent(r -> resources.add(bar(getTranslation(entry.getValue()), r)));
        }
        add(new H3(getTranslation("quota.resources")), resources);
        if (usage.resources().isEmpty()) {
            resources.add(new Paragraph(getTranslation("quota.not-provisioned")));
        }
    }

    private static QuotaBar bar(String label, ResourceUsage usage) {
        double used = Quantities.value(usage.used()).doubleValue();
        double hard = Quantities.value(usage.hard()).doubleValue();
        QuotaBar bar = new QuotaBar(label, used, hard, usage.used(), usage.hard());
        bar.getElement().setAttribute("data-resource", usage.resource());
        return bar;
    }
}
