package ai.portal.ui.components;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

import ai.portal.ui.backend.BackendException;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutorService;

/**
 * Backend calls off the UI thread: the page appears at once with progress indicators, and each part fills in by
 * server push when its data arrives. The caller's security context travels with the call (the token relay needs
 * it); the result is applied inside {@link UI#access}.
 */
public final class Async {

    private static final Logger log = LoggerFactory.getLogger(Async.class);
    private static final ExecutorService BACKGROUND =
            new DelegatingSecurityContextExecutorService(Executors.newVirtualThreadPerTaskExecutor());

    private Async() {
    }

    /** Runs {@code call} in the background, then {@code onResult} or {@code onFailure} on the UI. */
    public static <T> void run(UI ui, Supplier<T> call, Consumer<T> onResult, Consumer<BackendException> onFailure) {
        BACKGROUND.execute(() -> {
            T result;
            try {
                result = call.get();
            } catch (BackendException failure) {
                apply(ui, () -> onFailure.accept(failure));
                return;
            } catch (RuntimeException bug) {
                log.error("A background load failed", bug);
                apply(ui, () -> onFailure.accept(new BackendException(ai.portal.ui.backend.Backend.TENANT, 500,
                        null, null, java.util.List.of(), bug)));
                return;
            }
            apply(ui, () -> onResult.accept(result));
        });
    }

    private static void apply(UI ui, Runnable change) {
        try {
            ui.access(change::run);
        } catch (UIDetachedException gone) {
            // the tab was closed or navigated away while the backend answered: nothing to show it on
        }
    }
}
