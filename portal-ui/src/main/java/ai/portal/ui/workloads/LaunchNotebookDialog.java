package ai.portal.ui.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import ai.portal.ui.backend.JobsApi.Capacity;
import ai.portal.ui.backend.JobsApi.Check;
import ai.portal.ui.backend.JobsApi.CheckProblem;
import ai.portal.ui.backend.JobsApi.GpuCapacity;
import ai.portal.ui.backend.JobsApi.Image;
import ai.portal.ui.backend.JobsApi.LaunchNotebook;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.quota.Quantities;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;

/**
 * Launching a notebook: before anything is created the dialog shows the team's remaining quota and the cluster's
 * free GPUs per type, marks the GPU choices that would not start now and why, and asks the job runner (a dry run)
 * whether this exact request would start, as the user types. Where the platform allows more than one, the GPU
 * placement (scheduler profile) is chosen as for jobs. A verdict of "would not start now" is asked again every
 * few seconds while the dialog is open: GPUs free up, a quota just raised reaches the queue, and the dialog says so
 * without the user retyping anything.
 */
class LaunchNotebookDialog extends Dialog {

    static final Pattern NAME = Pattern.compile("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$");
    static final String NO_GPU = "";
    /** How often a "would not start now" verdict is asked again while the dialog stays open. */
    static final long RECHECK_SECONDS = 5;
    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("launch-verdict").daemon().factory());

    private final JobsClient jobs;
    private final Team team;
    private final TextField name = new TextField();
    private final Select<Image> image = new Select<>();
    private final Select<String> gpuType = new Select<>();
    private final IntegerField gpus = new IntegerField();
    private final TextField cpu = new TextField();
    private final TextField memory = new TextField();
    private final TextField workspace = new TextField();
    private final PlacementSelect placement = new PlacementSelect("notebook-placement");
    private final Div verdict = new Div();
    private final Button launch = new Button();
    private final AtomicInteger checkGeneration = new AtomicInteger();
    private Capacity capacity;
    private Grid<GpuCapacity> capacityGrid;
    private ScheduledFuture<?> recheck;

    private record Loaded(Capacity capacity, List<Image> images) {
    }

    LaunchNotebookDialog(JobsClient jobs, Team team, Runnable afterLaunch) {
        this.jobs = jobs;
        this.team = team;
        setId("launch-notebook-dialog");
        setHeaderTitle(getTranslation("notebooks.launch-in", team.displayName()));
        setWidth("min(60rem, 96vw)");
        ProgressBar progress = new ProgressBar();
        progress.setIndeterminate(true);
        progress.getElement().setAttribute("aria-label", getTranslation("common.loading"));
        add(progress);
        launch.setText(getTranslation("notebooks.launch"));
        launch.setId("launch-submit");
        launch.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        launch.setEnabled(false);
        getFooter().add(new Button(getTranslation("common.cancel"), click -> close()), launch);

        Async.run(UI.getCurrent(), () -> new Loaded(jobs.capacity(team.slug()),
                jobs.images().stream().filter(i -> i.enabled() && i.forNotebooks()).toList()), loaded -> {
            capacity = loaded.capacity();
            removeAll();
            add(capacityPanel(loaded.capacity()), form(loaded.images()), verdict);
            launch.setEnabled(true);
            check();
        }, failure -> {
            removeAll();
            Paragraph error = new Paragraph(Problems.message(this, "notebooks.action.load", failure));
            error.addClassName("portal-problem");
            add(error);
        });
        launch.addClickListener(click -> request().ifPresent(request -> {
            launch.setEnabled(false);
            Async.run(UI.getCurrent(), () -> jobs.launchNotebook(team.slug(), request), launched -> {
                Toasts.success(getTranslation("notebooks.launched", launched.name()));
                close();
                afterLaunch.run();
            }, failure -> {
                launch.setEnabled(true);
                showProblems(List.of(), Problems.message(this, "notebooks.action.launch", failure), failure);
            });
        }));
    }

    /** The team's remaining quota and the cluster's free GPUs, per type. */
    private Div capacityPanel(Capacity capacity) {
        Div panel = new Div();
        panel.setId("launch-capacity");
        panel.add(new H3(getTranslation("notebooks.capacity")));
        if (capacity.gpus().isEmpty()) {
            panel.add(new Paragraph(getTranslation("notebooks.capacity.no-gpus")));
        } else {
            Grid<GpuCapacity> grid = new Grid<>();
            grid.setId("capacity-grid");
            grid.addThemeVariants(GridVariant.LUMO_COMPACT);
            grid.setAllRowsVisible(true);
            grid.addColumn(gpu -> gpu.shortName() == null ? gpu.gpuType() : gpu.shortName())
                    .setHeader(getTranslation("notebooks.capacity.type"));
            grid.addColumn(gpu -> getTranslation("quota.used-of", gpu.used(), gpu.quota()))
                    .setHeader(getTranslation("notebooks.capacity.team"));
            grid.addColumn(GpuCapacity::clusterFree).setHeader(getTranslation("notebooks.capacity.cluster-free"));
            grid.addColumn(GpuCapacity::maxStartableNow).setHeader(getTranslation("notebooks.capacity.startable"));
            grid.setItems(capacity.gpus());
            capacityGrid = grid;
            panel.add(grid);
        }
        if (capacity.notebooks() != null && capacity.notebooks().max() != null) {
            panel.add(new Paragraph(getTranslation("notebooks.capacity.notebooks", capacity.notebooks().running(),
                    capacity.notebooks().max())));
        }
        if (!capacity.queueReady() && capacity.queueProblem() != null) {
            Paragraph problem = new Paragraph(capacity.queueProblem());
            problem.addClassName("portal-problem");
            panel.add(problem);
        }
        return panel;
    }

    private FormLayout form(List<Image> images) {
        name.setLabel(getTranslation("workload.name"));
        name.setId("notebook-name");
        name.setHelperText(getTranslation("workload.name.help"));
        name.setRequired(true);
        name.setMaxLength(40);
        image.setLabel(getTranslation("workload.image"));
        image.setId("notebook-image");
        image.setItems(images);
        image.setItemLabelGenerator(Image::displayName);
        if (!images.isEmpty()) {
            image.setValue(images.getFirst());
        }
        gpuType.setLabel(getTranslation("workload.gpu-type"));
        gpuType.setId("notebook-gpu-type");
        List<String> types = new ArrayList<>();
        types.add(NO_GPU);
        capacity.gpus().forEach(gpu -> types.add(gpu.gpuType()));
        gpuType.setItems(types);
        gpuType.setItemLabelGenerator(this::gpuChoice);
        gpuType.setValue(NO_GPU);
        gpus.setLabel(getTranslation("workload.gpus"));
        gpus.setId("notebook-gpus");
        gpus.setMin(0);
        gpus.setMax(8);
        gpus.setValue(0);
        gpus.setStepButtonsVisible(true);
        cpu.setLabel(getTranslation("quota.field.cpu"));
        cpu.setId("notebook-cpu");
        cpu.setValue("1");
        memory.setLabel(getTranslation("quota.field.memory"));
        memory.setId("notebook-memory");
        memory.setValue("4Gi");
        workspace.setLabel(getTranslation("notebooks.workspace"));
        workspace.setId("notebook-workspace");
        workspace.setValue("10Gi");
        for (TextField field : List.of(name, cpu, memory, workspace)) {
            field.setValueChangeMode(ValueChangeMode.LAZY);
            field.setValueChangeTimeout(400);
            field.addValueChangeListener(change -> check());
        }
        gpus.setValueChangeMode(ValueChangeMode.EAGER);
        gpus.addValueChangeListener(change -> check());
        image.addValueChangeListener(change -> check());
        gpuType.addValueChangeListener(change -> {
            if (NO_GPU.equals(change.getValue())) {
                gpus.setValue(0);
            } else if (gpus.getValue() == null || gpus.getValue() == 0) {
                gpus.setValue(1);
            }
            check();
        });
        placement.offer(capacity.scheduling());
        placement.addValueChangeListener(change -> check());
        FormLayout form = new FormLayout(name, image, gpuType, gpus, cpu, memory, workspace, placement);
        form.setId("launch-form");
        return form;
    }

    /** "A100 — 1 of 4 free for your team, 3 on the cluster" or, when nothing would start, why not. */
    private String gpuChoice(String type) {
        if (NO_GPU.equals(type)) {
            return getTranslation("workload.gpu-none");
        }
        return capacity.gpus().stream().filter(gpu -> gpu.gpuType().equals(type)).findFirst().map(gpu -> {
            String label = gpu.shortName() == null ? gpu.gpuType() : gpu.shortName();
            if (gpu.maxStartableNow() == 0) {
                return getTranslation("notebooks.gpu-choice.none-now", label,
                        gpu.limitedBy() == null || gpu.limitedBy().isBlank() ? getTranslation("notebooks.gpu-choice.full")
                                : gpu.limitedBy());
            }
            return getTranslation("notebooks.gpu-choice", label, gpu.maxStartableNow(), gpu.clusterFree());
        }).orElse(type);
    }

    /** The request as typed, or empty with the wrong fields marked. */
    private Optional<LaunchNotebook> request() {
        boolean ok = true;
        if (!NAME.matcher(name.getValue()).matches()) {
            name.setErrorMessage(getTranslation(name.getValue().isBlank() ? "validation.required" : "workload.name.invalid"));
            name.setInvalid(true);
            ok = false;
        } else {
            name.setInvalid(false);
        }
        for (TextField field : List.of(cpu, memory, workspace)) {
            boolean valid = Quantities.valid(field.getValue());
            field.setErrorMessage(getTranslation("validation.quantity"));
            field.setInvalid(!valid);
            ok &= valid;
        }
        Integer count = gpus.getValue();
        if (count == null || count < 0 || count > 8) {
            gpus.setErrorMessage(getTranslation("validation.range", 0, 8));
            gpus.setInvalid(true);
            ok = false;
        } else {
            gpus.setInvalid(false);
        }
        if (image.getValue() == null) {
            image.setErrorMessage(getTranslation("validation.required"));
            image.setInvalid(true);
            ok = false;
        }
        if (!ok) {
            return Optional.empty();
        }
        String type = NO_GPU.equals(gpuType.getValue()) || count == 0 ? null : gpuType.getValue();
        return Optional.of(new LaunchNotebook(name.getValue(), image.getValue().id(), cpu.getValue().strip(),
                memory.getValue().strip(), type, type == null ? 0 : count, workspace.getValue().strip(),
                placement.chosen()));
    }

    /** Asks the job runner whether this would start now; only the newest answer is shown. */
    private void check() {
        Optional<LaunchNotebook> request = request();
        if (request.isEmpty()) {
            verdict.removeAll();
            return;
        }
        int generation = checkGeneration.incrementAndGet();
        Async.run(UI.getCurrent(), () -> jobs.checkNotebook(team.slug(), request.get()), check -> {
            if (generation == checkGeneration.get()) {
                showCheck(check);
            }
        }, failure -> {
            if (generation == checkGeneration.get()) {
                showProblems(List.of(), Problems.message(this, "notebooks.action.check", failure), failure);
                recheckLater(true);
            }
        });
    }

    private void showCheck(Check check) {
        verdict.removeAll();
        verdict.setId("launch-verdict");
        recheckLater(!check.startsNow());
        if (check.startsNow()) {
            Paragraph ok = new Paragraph(getTranslation("notebooks.starts-now"));
            ok.addClassName("portal-ok");
            verdict.add(ok);
            launch.setEnabled(true);
            return;
        }
        showProblems(check.problems(), getTranslation(check.possible() ? "notebooks.would-not-start"
                : "notebooks.never-start"), null);
    }

    private void showProblems(List<CheckProblem> problems, String headline, ai.portal.ui.backend.BackendException failure) {
        verdict.removeAll();
        verdict.setId("launch-verdict");
        Paragraph head = new Paragraph(headline);
        head.addClassName("portal-problem");
        head.getElement().setAttribute("role", "alert");
        verdict.add(head);
        UnorderedList list = new UnorderedList();
        for (CheckProblem problem : problems) {
            list.add(new ListItem(WorkloadWords.checkProblem(this, problem)));
            markField(problem.field(), WorkloadWords.checkProblem(this, problem));
        }
        if (failure != null) {
            failure.fieldErrors().forEach(error -> markField(error.field(), error.message()));
        }
        if (!problems.isEmpty()) {
            verdict.add(list);
        }
        // a notebook that would not start now is refused by the job runner: do not offer a launch that must fail
        launch.setEnabled(failure != null);
    }

    /** While the verdict is "not now", the capacity and the verdict are fetched again in a few seconds. */
    private void recheckLater(boolean wanted) {
        if (recheck != null) {
            recheck.cancel(false);
            recheck = null;
        }
        UI ui = UI.getCurrent();
        if (!wanted || ui == null) {
            return;
        }
        recheck = CLOCK.schedule(() -> {
            try {
                ui.access(() -> {
                    Async.run(ui, () -> jobs.capacity(team.slug()), fresh -> {
                        capacity = fresh;
                        if (capacityGrid != null) {
                            capacityGrid.setItems(fresh.gpus());
                        }
                        gpuType.setItemLabelGenerator(this::gpuChoice);
                    }, failure -> {
                        // the verdict below says what is wrong; the numbers stay as they were
                    });
                    check();
                });
            } catch (UIDetachedException gone) {
                // the tab was closed
            }
        }, RECHECK_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent detach) {
        super.onDetach(detach);
        recheckLater(false);
    }

    private void markField(String field, String message) {
        var target = switch (field == null ? "" : field) {
            case "name" -> (com.vaadin.flow.component.HasValidation) name;
            case "gpus" -> gpus;
            case "gpuType" -> gpuType;
            case "cpu" -> cpu;
            case "memory" -> memory;
            case "workspaceSize" -> workspace;
            case "image" -> image;
            case "schedulerName" -> placement;
            default -> null;
        };
        if (target != null) {
            target.setErrorMessage(message);
            target.setInvalid(true);
        }
    }
}
