package ai.portal.ui.workloads;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.LogsApi.Filter;
import ai.portal.ui.backend.LogsApi.LogLine;
import ai.portal.ui.backend.LogsApi.Notice;
import ai.portal.ui.backend.LogsClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.Problems;
import ai.portal.ui.i18n.Formats;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import reactor.core.Disposable;

/**
 * A workload's log, live: the newest lines first, then every new line as it is written (logging-pipeline's SSE
 * tail, resumed after the last line seen, so nothing is lost or doubled). Search and level filter on the server;
 * pause keeps counting what arrives and shows it on resume; "newest" scrolls to the end; download saves the lines
 * as text. Lines are pushed to the browser in batches (at most one push per 250 ms), however fast they come.
 */
class LogTail extends Div {

    static final int KEEP_LINES = 1000;
    static final int FIRST_LINES = 200;
    static final Duration BATCH = Duration.ofMillis(250);
    static final List<String> LEVELS = List.of("", "error", "warn", "info", "debug");
    private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("log-tail-flush").daemon().factory());

    private final LogsClient logs;
    private final String team;
    private final String workload;
    private final TextField search = new TextField();
    private final Select<String> level = new Select<>();
    private final Button pause = new Button();
    private final Span state = new Span();
    private final Div lines = new Div();
    private final Queue<LogLine> arrived = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<LogLine> heldWhilePaused = new ArrayDeque<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private boolean paused;
    private int shown;
    private Disposable tail;
    private UI ui;

    LogTail(LogsClient logs, String team, String workload) {
        this.logs = logs;
        this.team = team;
        this.workload = workload;
        setId("log-tail");
        addClassName("portal-log-tail");

        search.setPlaceholder(getTranslation("logs.search"));
        search.setAriaLabel(getTranslation("logs.search"));
        search.setId("log-search");
        search.setClearButtonVisible(true);
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setValueChangeTimeout(500);
        search.addValueChangeListener(change -> restart());
        level.setAriaLabel(getTranslation("logs.level"));
        level.setId("log-level");
        level.setItems(LEVELS);
        level.setItemLabelGenerator(value -> getTranslation(value.isEmpty() ? "logs.level.all" : "logs.level." + value));
        level.setValue("");
        level.addValueChangeListener(change -> restart());
        pause.setId("log-pause");
        pause.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        pause.addClickListener(click -> setPaused(!paused));
        Button newest = new Button(getTranslation("logs.newest"), VaadinIcon.ARROW_DOWN.create(),
                click -> scrollToNewest());
        newest.setId("log-newest");
        newest.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Anchor download = new Anchor(DownloadHandler.fromInputStream(event -> {
            byte[] text = logs.text(team, filter(), 10_000);
            return new DownloadResponse(new ByteArrayInputStream(text), team + "-" + workload + "-log.txt",
                    "text/plain;charset=utf-8", text.length);
        }), getTranslation("logs.download"));
        download.setId("log-download");
        download.addClassName("portal-button-link");
        state.setId("log-state");
        state.addClassName("portal-hint");
        state.getElement().setAttribute("aria-live", "polite");
        HorizontalLayout toolbar = new HorizontalLayout(search, level, pause, newest, download, state);
        toolbar.setAlignItems(FlexComponent.Alignment.BASELINE);
        toolbar.setWrap(true);
        lines.setId("log-lines");
        lines.addClassName("portal-log");
        lines.getElement().setAttribute("role", "log");
        lines.getElement().setAttribute("tabindex", "0");
        lines.getElement().setAttribute("aria-label", getTranslation("workload.logs"));
        add(toolbar, lines);
        setPaused(false);
    }

    private Filter filter() {
        return new Filter(workload, level.getValue() == null || level.getValue().isEmpty() ? null : level.getValue(),
                search.getValue());
    }

    @Override
    protected void onAttach(AttachEvent attach) {
        ui = attach.getUI();
        start();
    }

    @Override
    protected void onDetach(DetachEvent detach) {
        stop();
    }

    private void restart() {
        stop();
        lines.removeAll();
        shown = 0;
        heldWhilePaused.clear();
        start();
    }

    /** The newest lines first (a search), then the live tail from just after the newest of them. */
    private void start() {
        Filter filter = filter();
        state.setText(getTranslation("logs.connecting"));
        Async.run(ui, () -> logs.newest(team, filter, FIRST_LINES).lines(), newestFirst -> {
            List<LogLine> oldestFirst = newestFirst.reversed();
            oldestFirst.forEach(this::append);
            scrollToNewest();
            follow(filter, oldestFirst.isEmpty() ? null : oldestFirst.getLast());
        }, failure -> follow(filter, null));
    }

    private void follow(Filter filter, LogLine after) {
        try {
            tail = logs.tail(team, filter, after, this::arrived, this::notice, this::failed);
            state.setText(getTranslation("logs.live"));
        } catch (BackendException failure) {
            failed(failure);
        }
    }

    private void stop() {
        if (tail != null) {
            tail.dispose();
            tail = null;
        }
        arrived.clear();
    }

    /** On the stream's thread: queue the line, and push a batch to the browser soon. */
    private void arrived(LogLine line) {
        arrived.add(line);
        if (flushScheduled.compareAndSet(false, true)) {
            FLUSHER.schedule(this::flush, BATCH.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void flush() {
        flushScheduled.set(false);
        try {
            ui.access(() -> {
                LogLine line;
                int added = 0;
                while ((line = arrived.poll()) != null) {
                    if (paused) {
                        heldWhilePaused.add(line);
                        if (heldWhilePaused.size() > KEEP_LINES) {
                            heldWhilePaused.removeFirst();
                        }
                    } else {
                        append(line);
                        added++;
                    }
                }
                if (paused) {
                    state.setText(getTranslation("logs.paused-count", heldWhilePaused.size()));
                } else if (added > 0) {
                    scrollToNewest();
                }
            });
        } catch (UIDetachedException gone) {
            stop();
        }
    }

    private void notice(Notice notice) {
        try {
            ui.access(() -> state.setText(getTranslation("kubernetes".equals(notice.source()) ? "logs.fallback"
                    : "none".equals(notice.source()) ? "logs.no-source" : "logs.live")));
        } catch (UIDetachedException gone) {
            stop();
        }
    }

    private void failed(BackendException failure) {
        try {
            ui.access(() -> {
                state.setText(Problems.message(this, "logs.action.follow", failure));
                addClassName("portal-unavailable");
            });
        } catch (UIDetachedException gone) {
            // nothing to tell
        }
    }

    private void setPaused(boolean pausing) {
        paused = pausing;
        pause.setText(getTranslation(paused ? "logs.resume" : "logs.pause"));
        pause.setIcon(paused ? VaadinIcon.PLAY.create() : VaadinIcon.PAUSE.create());
        if (!paused) {
            heldWhilePaused.forEach(this::append);
            heldWhilePaused.clear();
            if (tail != null) {
                state.setText(getTranslation("logs.live"));
            }
            scrollToNewest();
        } else {
            state.setText(getTranslation("logs.paused-count", 0));
        }
    }

    private void append(LogLine line) {
        Div row = new Div();
        row.addClassName("portal-log-line");
        if (line.level() != null) {
            row.addClassName("portal-log-" + line.level());
        }
        Span time = new Span(Formats.time(line.timestamp()));
        time.addClassName("portal-log-time");
        Span message = new Span(line.message() == null ? "" : line.message());
        message.addClassName("portal-log-message");
        row.add(time, message);
        lines.add(row);
        shown++;
        if (shown > KEEP_LINES) {
            lines.getComponentAt(0).removeFromParent();
            shown--;
        }
    }

    private void scrollToNewest() {
        lines.getElement().executeJs("this.scrollTop = this.scrollHeight");
    }
}
