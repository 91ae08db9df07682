package ai.portal.ui.quota;

import java.util.Map;
import java.util.stream.Collectors;

import ai.portal.ui.backend.TenantApi.Quota;
import com.vaadin.flow.component.Component;

/** A quota in one line of words: "4 × NVIDIA A100 80GB · 32 CPU · 256Gi memory · …". */
public final class QuotaText {

    private QuotaText() {
    }

    public static String summary(Component where, Quota quota, Map<String, String> gpuNames) {
        if (quota == null) {
            return "";
        }
        String gpus = quota.gpus().isEmpty() ? where.getTranslation("quota.summary.no-gpus")
                : quota.gpus().entrySet().stream()
                .map(entry -> where.getTranslation("quota.summary.gpu", entry.getValue(),
                        gpuNames.getOrDefault(entry.getKey(), entry.getKey())))
                .collect(Collectors.joining(", "));
        return where.getTranslation("quota.summary", gpus, quota.cpu(), quota.memory(), quota.storage(), quota.pvcs(),
                quota.maxNotebooks());
    }
}
