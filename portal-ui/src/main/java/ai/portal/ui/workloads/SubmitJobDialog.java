package ai.portal.ui.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.JobsApi.Capacity;
import ai.portal.ui.backend.JobsApi.Check;
import ai.portal.ui.backend.JobsApi.EnvVar;
import ai.portal.ui.backend.JobsApi.Image;
import ai.portal.ui.backend.JobsApi.SubmitJob;
import ai.portal.ui.backend.JobsApi.Workload;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.backend.TenantApi.Team;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.quota.Quantities;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;

/**
 * Submitting a training job: image from the catalogue, command, GPU type and count, CPU, memory, max runtime,
 * retries, priority and, where the platform allows more than one, the GPU placement (the scheduler profile). Every
 * field is checked as the user types, and a dry run says whether it would start now or wait in the queue and why. Opened with an existing job, it resubmits that job under a new name.
 */
class SubmitJobDialog extends Dialog {

    static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    static final List<String> PRIORITIES = WorkloadWords.PRIORITIES;

    private final JobsClient jobs;
    private final Team team;
    private final TextField name = new TextField();
    private final Select<Image> image = new Select<>();
    private final TextField command = new TextField();
    private final TextField args = new TextField();
    private final TextArea env = new TextArea();
    private final Select<String> gpuType = new Select<>();
    private final IntegerField gpus = new IntegerField();
    private final TextField cpu = new TextField();
    private final TextField memory = new TextField();
    private final IntegerField maxRuntimeMinutes = new IntegerField();
    private final IntegerField retries = new IntegerField();
    private final Select<String> priority = new Select<>();
    private final PlacementSelect placement = new PlacementSelect("job-placement");
    private final Div verdict = new Div();
    private final Button submit = new Button();
    private final AtomicInteger checkGeneration = new AtomicInteger();

    private record Loaded(Capacity capacity, List<Image> images) {
    }

    SubmitJobDialog(JobsClient jobs, Team team, Workload previous, Runnable afterSubmit) {
        this.jobs = jobs;
        this.team = team;
        setId("submit-job-dialog");
        setHeaderTitle(getTranslation(previous == null ? "jobs.submit-in" : "jobs.resubmit-title",
                previous == null ? team.displayName() : previous.name()));
        setWidth("min(60rem, 96vw)");
        ProgressBar progress = new ProgressBar();
        progress.setIndeterminate(true);
        progress.getElement().setAttribute("aria-label", getTranslation("common.loading"));
        add(progress);
        submit.setText(getTranslation("jobs.submit"));
        submit.setId("submit-job-submit");
        submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        submit.setEnabled(false);
        getFooter().add(new Button(getTranslation("common.cancel"), click -> close()), submit);

        Async.run(UI.getCurrent(), () -> new Loaded(jobs.capacity(team.slug()),
                jobs.images().stream().filter(i -> i.enabled() && i.forJobs()).toList()), loaded -> {
            removeAll();
            add(form(loaded), verdict);
            if (previous != null) {
                fillFrom(previous, loaded.images());
            }
            submit.setEnabled(true);
            check();
        }, failure -> {
            removeAll();
            Paragraph error = new Paragraph(Problems.message(this, "jobs.action.load", failure));
            error.addClassName("portal-problem");
            add(error);
        });
        submit.addClickListener(click -> request().ifPresent(request -> {
            submit.setEnabled(false);
            Async.run(UI.getCurrent(), () -> jobs.submitJob(team.slug(), request), submitted -> {
                Toasts.success(getTranslation("jobs.submitted", submitted.name()));
                close();
                afterSubmit.run();
            }, failure -> {
                submit.setEnabled(true);
                showFailure(failure);
            });
        }));
    }

    private FormLayout form(Loaded loaded) {
        name.setLabel(getTranslation("workload.name"));
        name.setId("job-name");
        name.setHelperText(getTranslation("workload.name.help"));
        name.setRequired(true);
        name.setMaxLength(40);
        image.setLabel(getTranslation("workload.image"));
        image.setId("job-image");
        image.setItems(loaded.images());
        image.setItemLabelGenerator(Image::displayName);
        if (!loaded.images().isEmpty()) {
            image.setValue(loaded.images().getFirst());
        }
        command.setLabel(getTranslation("jobs.command"));
        command.setId("job-command");
        command.setHelperText(getTranslation("jobs.command.help"));
        args.setLabel(getTranslation("jobs.args"));
        args.setId("job-args");
        env.setLabel(getTranslation("jobs.env"));
        env.setId("job-env");
        env.setHelperText(getTranslation("jobs.env.help"));
        List<String> types = new ArrayList<>();
        types.add(LaunchNotebookDialog.NO_GPU);
        loaded.capacity().gpus().forEach(gpu -> types.add(gpu.gpuType()));
        gpuType.setLabel(getTranslation("workload.gpu-type"));
        gpuType.setId("job-gpu-type");
        gpuType.setItems(types);
        gpuType.setItemLabelGenerator(type -> LaunchNotebookDialog.NO_GPU.equals(type)
                ? getTranslation("workload.gpu-none")
                : loaded.capacity().gpus().stream().filter(g -> g.gpuType().equals(type)).findFirst()
                .map(g -> getTranslation("jobs.gpu-choice", g.shortName() == null ? g.gpuType() : g.shortName(),
                        g.quota() - g.used(), g.quota(), g.clusterFree()))
                .orElse(type));
        gpuType.setValue(LaunchNotebookDialog.NO_GPU);
        gpus.setLabel(getTranslation("workload.gpus"));
        gpus.setId("job-gpus");
        gpus.setMin(0);
        gpus.setMax(64);
        gpus.setValue(0);
        gpus.setStepButtonsVisible(true);
        cpu.setLabel(getTranslation("quota.field.cpu"));
        cpu.setId("job-cpu");
        cpu.setValue("1");
        memory.setLabel(getTranslation("quota.field.memory"));
        memory.setId("job-memory");
        memory.setValue("4Gi");
        maxRuntimeMinutes.setLabel(getTranslation("jobs.max-runtime"));
        maxRuntimeMinutes.setId("job-max-runtime");
        maxRuntimeMinutes.setHelperText(getTranslation("jobs.max-runtime.help"));
        maxRuntimeMinutes.setMin(1);
        maxRuntimeMinutes.setMax(60 * 24 * 14);
        maxRuntimeMinutes.setValue(60);
        retries.setLabel(getTranslation("jobs.retries"));
        retries.setId("job-retries");
        retries.setMin(0);
        retries.setMax(10);
        retries.setValue(0);
        retries.setStepButtonsVisible(true);
        priority.setLabel(getTranslation("jobs.priority"));
        priority.setId("job-priority");
        priority.setItems(PRIORITIES);
        priority.setItemLabelGenerator(value -> getTranslation("priority." + value));
        priority.setValue("normal");
        placement.offer(loaded.capacity().scheduling());

        for (TextField field : List.of(name, command, args, cpu, memory)) {
            field.setValueChangeMode(ValueChangeMode.LAZY);
            field.setValueChangeTimeout(400);
            field.addValueChangeListener(change -> check());
        }
        env.setValueChangeMode(ValueChangeMode.LAZY);
        env.addValueChangeListener(change -> check());
        for (IntegerField field : List.of(gpus, maxRuntimeMinutes, retries)) {
            field.setValueChangeMode(ValueChangeMode.EAGER);
            field.addValueChangeListener(change -> check());
        }
        image.addValueChangeListener(change -> check());
        priority.addValueChangeListener(change -> check());
        placement.addValueChangeListener(change -> check());
        gpuType.addValueChangeListener(change -> {
            if (LaunchNotebookDialog.NO_GPU.equals(change.getValue())) {
                gpus.setValue(0);
            } else if (gpus.getValue() == null || gpus.getValue() == 0) {
                gpus.setValue(1);
            }
            check();
        });
        FormLayout form = new FormLayout(name, image, command, args, gpuType, gpus, cpu, memory, maxRuntimeMinutes,
                retries, priority, placement, env);
        form.setColspan(env, 2);
        form.setId("submit-form");
        return form;
    }

    private void fillFrom(Workload previous, List<Image> images) {
        name.setValue(nextName(previous.name()));
        var spec = previous.spec();
        images.stream().filter(i -> i.id().equals(spec.imageId())).findFirst().ifPresent(image::setValue);
        command.setValue(CommandLine.join(spec.command()));
        args.setValue(CommandLine.join(spec.args()));
        env.setValue(String.join("\n", spec.env().stream().map(e -> e.name() + "=" + e.value()).toList()));
        if (spec.gpuType() != null) {
            gpuType.setValue(spec.gpuType());
        }
        gpus.setValue(spec.gpus());
        cpu.setValue(spec.cpu());
        memory.setValue(spec.memory());
        if (spec.maxRuntimeSeconds() != null) {
            maxRuntimeMinutes.setValue((int) Math.max(1, spec.maxRuntimeSeconds() / 60));
        }
        retries.setValue(spec.retries() == null ? 0 : spec.retries());
        priority.setValue(spec.priority() == null ? "normal" : spec.priority());
        placement.choose(spec.schedulerName());
    }

    /** train → train-2, train-2 → train-3. */
    static String nextName(String name) {
        var numbered = Pattern.compile("^(.*)-(\\d+)$").matcher(name);
        if (numbered.matches()) {
            return numbered.group(1) + "-" + (Integer.parseInt(numbered.group(2)) + 1);
        }
        String base = name.length() > 38 ? name.substring(0, 38) : name;
        return base + "-2";
    }

    private Optional<SubmitJob> request() {
        boolean ok = true;
        ok &= check(name, LaunchNotebookDialog.NAME.matcher(name.getValue()).matches(),
                name.getValue().isBlank() ? "validation.required" : "workload.name.invalid");
        List<String> commandWords = CommandLine.split(command.getValue());
        ok &= check(command, commandWords != null, "jobs.command.open-quote");
        List<String> argWords = CommandLine.split(args.getValue());
        ok &= check(args, argWords != null, "jobs.command.open-quote");
        List<EnvVar> variables = new ArrayList<>();
        boolean envOk = true;
        for (String line : env.getValue().split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int equals = line.indexOf('=');
            String key = equals < 0 ? line.strip() : line.substring(0, equals).strip();
            if (equals < 0 || !ENV_NAME.matcher(key).matches()) {
                envOk = false;
            } else {
                variables.add(new EnvVar(key, line.substring(equals + 1)));
            }
        }
        ok &= check(env, envOk, "jobs.env.invalid");
        ok &= check(cpu, Quantities.valid(cpu.getValue()), "validation.quantity");
        ok &= check(memory, Quantities.valid(memory.getValue()), "validation.quantity");
        ok &= check(gpus, gpus.getValue() != null && gpus.getValue() >= 0 && gpus.getValue() <= 64, "validation.whole-number");
        ok &= check(maxRuntimeMinutes, maxRuntimeMinutes.getValue() != null && maxRuntimeMinutes.getValue() >= 1,
                "validation.whole-number");
        ok &= check(retries, retries.getValue() != null && retries.getValue() >= 0 && retries.getValue() <= 10,
                "validation.whole-number");
        ok &= check(image, image.getValue() != null, "validation.required");
        if (!ok) {
            return Optional.empty();
        }
        String type = LaunchNotebookDialog.NO_GPU.equals(gpuType.getValue()) || gpus.getValue() == 0 ? null
                : gpuType.getValue();
        return Optional.of(new SubmitJob(name.getValue(), image.getValue().id(), commandWords, argWords, variables,
                type, type == null ? 0 : gpus.getValue(), cpu.getValue().strip(), memory.getValue().strip(),
                maxRuntimeMinutes.getValue() * 60L, retries.getValue(), priority.getValue(),
                placement.chosen()));
    }

    private boolean check(HasValidation field, boolean valid, String messageKey) {
        field.setErrorMessage(getTranslation(messageKey));
        field.setInvalid(!valid);
        return valid;
    }

    private void check() {
        Optional<SubmitJob> request = request();
        if (request.isEmpty()) {
            verdict.removeAll();
            return;
        }
        int generation = checkGeneration.incrementAndGet();
        Async.run(UI.getCurrent(), () -> jobs.checkJob(team.slug(), request.get()), check -> {
            if (generation == checkGeneration.get()) {
                showCheck(check);
            }
        }, failure -> {
            if (generation == checkGeneration.get()) {
                showFailure(failure);
            }
        });
    }

    private void showCheck(Check check) {
        verdict.removeAll();
        verdict.setId("submit-verdict");
        Paragraph head = new Paragraph(getTranslation(!check.possible() ? "jobs.never-start"
                : check.startsNow() ? "jobs.starts-now" : "jobs.would-wait"));
        head.addClassName(check.startsNow() ? "portal-ok" : "portal-problem");
        verdict.add(head);
        if (!check.problems().isEmpty()) {
            UnorderedList list = new UnorderedList();
            check.problems().forEach(problem -> list.add(new ListItem(WorkloadWords.checkProblem(this, problem))));
            verdict.add(list);
        }
        submit.setEnabled(check.possible());
    }

    private void showFailure(BackendException failure) {
        verdict.removeAll();
        verdict.setId("submit-verdict");
        Paragraph error = new Paragraph(Problems.message(this, "jobs.action.submit", failure));
        error.addClassName("portal-problem");
        error.getElement().setAttribute("role", "alert");
        verdict.add(error);
        for (BackendException.FieldError fieldError : failure.fieldErrors()) {
            HasValidation target = switch (fieldError.field()) {
                case "name" -> name;
                case "image" -> image;
                case "command" -> command;
                case "args" -> args;
                case "env" -> env;
                case "gpus" -> gpus;
                case "gpuType" -> gpuType;
                case "cpu" -> cpu;
                case "memory" -> memory;
                case "maxRuntimeSeconds" -> maxRuntimeMinutes;
                case "retries" -> retries;
                case "priority" -> priority;
                case "schedulerName" -> placement;
                default -> null;
            };
            if (target != null) {
                target.setErrorMessage(fieldError.message());
                target.setInvalid(true);
            }
        }
    }
}
