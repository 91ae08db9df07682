package ai.portal.ui.components;

import ai.portal.ui.backend.BackendException;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/** Short confirmations and failures of actions, announced to screen readers (Vaadin's notifications are live regions). */
public final class Toasts {

    private Toasts() {
    }

    public static void success(String text) {
        Notification notification = Notification.show(text, 4000, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }

    public static void failure(Component where, String whatKey, BackendException failure) {
        Notification notification = Notification.show(Problems.message(where, whatKey, failure), 8000,
                Notification.Position.BOTTOM_START);
        notification.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }
}
