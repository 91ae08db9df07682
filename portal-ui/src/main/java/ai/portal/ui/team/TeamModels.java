package ai.portal.ui.team;

import java.util.List;

import ai.portal.ui.backend.BackendException;
import ai.portal.ui.backend.JobsApi.DeployModelRequest;
import ai.portal.ui.backend.JobsApi.GpuCapacity;
import ai.portal.ui.backend.JobsApi.ModelApiKey;
import ai.portal.ui.backend.JobsApi.ModelAutoscaling;
import ai.portal.ui.backend.JobsApi.ModelAutoscalingCondition;
import ai.portal.ui.backend.JobsApi.ModelAutoscalingMetric;
import ai.portal.ui.backend.JobsApi.ModelAutoscalingStatus;
import ai.portal.ui.backend.JobsApi.ModelDeployment;
import ai.portal.ui.backend.JobsApi.ModelDeploymentUpdate;
import ai.portal.ui.backend.JobsApi.ModelVersion;
import ai.portal.ui.backend.JobsApi.RegisteredModel;
import ai.portal.ui.backend.JobsClient;
import ai.portal.ui.components.Async;
import ai.portal.ui.components.Problems;
import ai.portal.ui.components.Section;
import ai.portal.ui.components.Toasts;
import ai.portal.ui.i18n.Formats;
import ai.portal.ui.quota.Quantities;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.badge.Badge;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.BigDecimalField;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;

/**
 * A team's models: the registered models of its MLflow registry with their versions, a deploy dialog for owners and
 * members, and the team's model deployments with their status in words, where programs call them, and delete.
 */
final class TeamModels {

    private TeamModels() {
    }

    /** The registry's models (or why there are none: tracking off or starting) and the deployments. */
    private record Models(List<RegisteredModel> registered, BackendException registryProblem,
                          List<ModelDeployment> deployments) {
    }

    /** Loads into {@code section}; {@code canDeploy}: owners, members and platform admins. */
    static void load(Section section, JobsClient jobs, String team, boolean canDeploy) {
        section.load("team.load-models", () -> {
            List<RegisteredModel> registered = List.of();
            BackendException problem = null;
            try {
                registered = jobs.models(team);
            } catch (BackendException failure) {
                if (failure.unreachable() || failure.status() >= 500 && failure.status() != 503) {
                    throw failure;
                }
                problem = failure;
            }
            return new Models(registered, problem, jobs.modelDeployments(team));
        }, models -> view(section, jobs, team, canDeploy, models));
    }

    private static boolean trackingOff(BackendException problem) {
        return problem.status() == 409 && "Experiment tracking is off".equals(problem.title());
    }

    private static Component view(Section section, JobsClient jobs, String team, boolean canDeploy, Models models) {
        VerticalLayout content = new VerticalLayout();
        content.setPadding(false);

        H3 registeredTitle = new H3(section.getTranslation("team.models.registered"));
        content.add(registeredTitle);
        if (models.registryProblem() != null) {
            // the registry's other 409 (its tracking server is starting) is said in the service's own words
            Paragraph why = new Paragraph(trackingOff(models.registryProblem())
                    ? section.getTranslation("team.models.tracking-off")
                    : Problems.message(section, "team.load-models", models.registryProblem()));
            why.setId("team-models-registry-problem");
            why.addClassName("portal-hint");
            content.add(why);
        } else if (models.registered().isEmpty()) {
            Paragraph none = new Paragraph(section.getTranslation("team.models.none-registered"));
            none.setId("team-models-none");
            none.addClassName("portal-hint");
            content.add(none);
        } else {
            Grid<RegisteredModel> grid = new Grid<>();
            grid.setId("team-registered-models");
            grid.addThemeVariants(GridVariant.LUMO_COMPACT);
            grid.setAllRowsVisible(true);
            grid.addColumn(RegisteredModel::name).setHeader(section.getTranslation("team.models.name"));
            grid.addColumn(model -> model.versions().isEmpty() ? "—"
                            : Integer.toString(model.versions().getFirst().version()))
                    .setHeader(section.getTranslation("team.models.latest"));
            grid.addColumn(model -> model.versions().size()).setHeader(section.getTranslation("team.models.versions"));
            if (canDeploy) {
                grid.addComponentColumn(model -> {
                    Button deploy = new Button(section.getTranslation("team.models.deploy"));
                    deploy.setId("deploy-model-" + model.name());
                    deploy.addThemeVariants(ButtonVariant.LUMO_SMALL);
                    deploy.setEnabled(!model.versions().isEmpty());
                    // the GPU types to offer are the cluster's, with the team's quota of each (as for notebooks); a
                    // failed look-up still lets the member deploy on CPU
                    deploy.addClickListener(click -> Async.run(UI.getCurrent(), () -> jobs.capacity(team).gpus(),
                            gpus -> new DeployDialog(jobs, team, model, gpus, section::reload).open(),
                            failure -> new DeployDialog(jobs, team, model, List.of(), section::reload).open()));
                    return deploy;
                });
            }
            grid.setItems(models.registered());
            content.add(grid);
        }

        content.add(new H3(section.getTranslation("team.models.deployments")));
        if (models.deployments().isEmpty()) {
            Paragraph none = new Paragraph(section.getTranslation("team.models.no-deployments"));
            none.setId("team-model-deployments-none");
            none.addClassName("portal-hint");
            content.add(none);
        } else {
            Grid<ModelDeployment> grid = new Grid<>();
            grid.setId("team-model-deployments");
            grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
            grid.setAllRowsVisible(true);
            grid.addColumn(ModelDeployment::name).setHeader(section.getTranslation("team.models.deployment"));
            grid.addColumn(deployment -> section.getTranslation("team.models.model-version", deployment.model(),
                    deployment.version())).setHeader(section.getTranslation("team.models.model"));
            grid.addComponentColumn(deployment -> {
                Span size = new Span(section.getTranslation("team.models.size-value", deployment.cpu(),
                        deployment.memory()));
                size.setId("model-deployment-size-" + deployment.name());
                return size;
            }).setHeader(section.getTranslation("team.models.size"));
            grid.addComponentColumn(deployment -> {
                Span gpus = new Span(deployment.gpus() > 0
                        ? section.getTranslation("team.models.gpus-per-replica", deployment.gpus(),
                        deployment.gpuType())
                        : section.getTranslation("team.models.cpu-only"));
                gpus.setId("model-deployment-gpus-" + deployment.name());
                return gpus;
            }).setHeader(section.getTranslation("team.models.gpus"));
            grid.addComponentColumn(deployment -> status(section, deployment))
                    .setHeader(section.getTranslation("team.models.status")).setFlexGrow(3);
            grid.addComponentColumn(deployment -> {
                Span url = new Span(jobs.modelUrl(deployment));
                url.addClassName("portal-hint");
                return url;
            }).setHeader(section.getTranslation("team.models.endpoint")).setFlexGrow(2);
            grid.addComponentColumn(deployment -> actions(section, jobs, team, canDeploy, deployment,
                    versionsOf(models, deployment.model()))).setHeader(section.getTranslation("team.models.actions"))
                    .setFlexGrow(2);
            if (canDeploy) {
                grid.addComponentColumn(deployment -> {
                    Button delete = new Button(VaadinIcon.TRASH.create());
                    delete.setId("delete-model-deployment-" + deployment.name());
                    delete.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
                    delete.setAriaLabel(section.getTranslation("team.models.delete"));
                    delete.addClickListener(click -> confirmDelete(section, jobs, team, deployment));
                    return delete;
                });
            }
            grid.setItems(models.deployments());
            content.add(grid);
        }
        Button refresh = new Button(section.getTranslation("team.models.refresh"), VaadinIcon.REFRESH.create());
        refresh.setId("team-models-refresh");
        refresh.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        refresh.addClickListener(click -> section.reload());
        content.add(refresh);
        return content;
    }

    /** The registered versions of {@code model}, newest first (none when the registry cannot be read). */
    private static List<ModelVersion> versionsOf(Models models, String model) {
        return models.registered().stream().filter(found -> found.name().equals(model)).findFirst()
                .map(RegisteredModel::versions).orElse(List.of());
    }

    /**
     * API keys (everyone sees them; owners and members create and revoke), an autoscaled deployment's replicas over
     * time (everyone), and for owners and members: roll out
     * another version or change the rate limit, and roll back to the version served before.
     */
    private static Component actions(Section section, JobsClient jobs, String team, boolean canEdit,
                                     ModelDeployment deployment, List<ModelVersion> versions) {
        HorizontalLayout actions = new HorizontalLayout();
        actions.setSpacing(false);
        actions.getStyle().set("flex-wrap", "wrap").set("gap", "var(--lumo-space-xs)");
        Button keys = new Button(section.getTranslation("team.models.keys"), VaadinIcon.KEY.create());
        keys.setId("model-keys-" + deployment.name());
        keys.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        keys.addClickListener(click -> new KeysDialog(jobs, team, deployment.name(), canEdit).open());
        actions.add(keys);
        if (deployment.autoscaling() != null) {
            Button history = new Button(section.getTranslation("team.models.scaling-history.open"),
                    VaadinIcon.CHART.create());
            history.setId("model-scaling-history-" + deployment.name());
            history.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            history.addClickListener(click -> new ScalingHistoryDialog(jobs, team, deployment.name()).open());
            actions.add(history);
        }
        if (canEdit && recommended(deployment)) {
            Button apply = new Button(section.getTranslation("team.models.right-sizing.apply"),
                    VaadinIcon.RESIZE_H.create());
            apply.setId("apply-right-sizing-" + deployment.name());
            apply.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            apply.addClickListener(click -> confirmResize(section, jobs, team, deployment));
            actions.add(apply);
        }
        if (canEdit) {
            Button change = new Button(section.getTranslation("team.models.change"), VaadinIcon.EDIT.create());
            change.setId("change-model-deployment-" + deployment.name());
            change.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            // the GPU types to offer, as in the deploy dialog; a failed look-up still lets the member change the rest
            change.addClickListener(click -> Async.run(UI.getCurrent(), () -> jobs.capacity(team).gpus(),
                    gpus -> new ChangeDialog(jobs, team, deployment, versions, gpus, section::reload).open(),
                    failure -> new ChangeDialog(jobs, team, deployment, versions, List.of(), section::reload)
                            .open()));
            actions.add(change);
            if (deployment.previousVersion() != null) {
                Button rollback = new Button(section.getTranslation("team.models.rollback",
                        deployment.previousVersion()), VaadinIcon.ARROW_BACKWARD.create());
                rollback.setId("rollback-model-deployment-" + deployment.name());
                rollback.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
                rollback.addClickListener(click -> confirmRollback(section, jobs, team, deployment));
                actions.add(rollback);
            }
        }
        return actions;
    }

    /** A recommendation that rests on measured usage, for both CPU and memory. */
    private static boolean recommended(ModelDeployment deployment) {
        return "ready".equals(deployment.rightSizing().state()) && deployment.rightSizing().resources().size() == 2;
    }

    /**
     * Applies the VPA recommender's recommendation as the deployment's new size per replica: CPU rounded up to 10
     * millicores, memory up to 64 MiB (model servers' memory is a limit too: a little headroom). A rolling update:
     * every replica keeps serving until its successor of the new size is Ready.
     */
    private static void confirmResize(Section section, JobsClient jobs, String team, ModelDeployment deployment) {
        String cpu = Quantities.cpuRequest(deployment.rightSizing().resources().get(0).target());
        String memory = Quantities.memoryRequest(deployment.rightSizing().resources().get(1).target(), 64);
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setId("right-size-model-dialog");
        confirm.setHeader(section.getTranslation("team.models.right-sizing.apply"));
        confirm.setText(section.getTranslation("team.models.right-sizing.apply-text", deployment.name(),
                Formats.cores(Quantities.value(cpu)), Formats.bytes(Quantities.value(memory))));
        confirm.setCancelable(true);
        confirm.setCancelText(section.getTranslation("common.cancel"));
        confirm.setConfirmText(section.getTranslation("team.models.right-sizing.apply-confirm"));
        confirm.addConfirmListener(yes -> Async.run(UI.getCurrent(),
                () -> jobs.updateModelDeployment(team, deployment.name(), ModelDeploymentUpdate.size(cpu, memory)),
                done -> {
                    Toasts.success(section.getTranslation("team.models.right-sizing.applied", done.name()));
                    section.reload();
                },
                failure -> Toasts.failure(section, "team.action.right-size-model", failure)));
        confirm.open();
    }

    private static void confirmRollback(Section section, JobsClient jobs, String team, ModelDeployment deployment) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setId("rollback-model-dialog");
        confirm.setHeader(section.getTranslation("team.models.rollback-title", deployment.name(),
                deployment.previousVersion()));
        confirm.setText(section.getTranslation("team.models.rollback-text", deployment.version(),
                deployment.previousVersion()));
        confirm.setCancelable(true);
        confirm.setCancelText(section.getTranslation("common.cancel"));
        confirm.setConfirmText(section.getTranslation("team.models.rollback", deployment.previousVersion()));
        confirm.addConfirmListener(yes -> Async.run(UI.getCurrent(),
                () -> jobs.rollbackModelDeployment(team, deployment.name()),
                done -> {
                    Toasts.success(section.getTranslation("team.models.rolling-out", done.name(), done.version()));
                    section.reload();
                },
                failure -> Toasts.failure(section, "team.action.rollback-model", failure)));
        confirm.open();
    }

    /** The state as a badge, and in words: which version serves on how many replicas, or why not. */
    private static Component status(Section section, ModelDeployment deployment) {
        var status = deployment.status();
        Badge state = new Badge(section.getTranslation("model-state." + status.state()));
        String words = switch (status.state()) {
            case "serving" -> section.getTranslation("model-state.serving.help", status.servingVersion(),
                    status.readyReplicas(), deployment.autoscalingStatus() != null
                            && deployment.autoscalingStatus().desiredReplicas() != null
                            ? deployment.autoscalingStatus().desiredReplicas() : deployment.replicas());
            case "failing" -> section.getTranslation("model-state.failing.help") + " " + status.message();
            default -> section.getTranslation("model-state.starting.help");
        };
        Span text = new Span(words);
        text.addClassName("portal-hint");
        Div cell = new Div(state, new Span(" "), text);
        if (status.rollout() != null) {
            // how far a rollout is and, when stuck, why (the job runner's words)
            Paragraph rollout = new Paragraph(section.getTranslation("model-state.rollout", deployment.version())
                    + " " + status.rollout());
            rollout.setId("model-deployment-rollout-" + deployment.name());
            rollout.addClassName("portal-hint");
            cell.add(rollout);
        }
        if (deployment.autoscalingStatus() != null) {
            cell.add(autoscaling(section, deployment));
        }
        if (recommended(deployment)) {
            // what one server needs, from the VPA recommender's measurements of the running replicas
            var cpu = deployment.rightSizing().resources().get(0);
            var memory = deployment.rightSizing().resources().get(1);
            Paragraph sizing = new Paragraph(section.getTranslation("team.models.right-sizing",
                    Formats.cores(cpu.requested()), Formats.cores(cpu.target()), Formats.bytes(memory.requested()),
                    Formats.bytes(memory.target())));
            sizing.setId("model-deployment-right-sizing-" + deployment.name());
            sizing.addClassName("portal-hint");
            cell.add(sizing);
        }
        cell.setId("model-deployment-status-" + deployment.name());
        cell.getElement().setAttribute("data-state", status.state());
        return cell;
    }

    /**
     * What the cluster's autoscaler makes of the deployment: replicas running and wanted within the bounds, each
     * target's reading, the last scale, and its conditions in words ("at max replicas", "metric unavailable").
     */
    private static Component autoscaling(Section section, ModelDeployment deployment) {
        String name = deployment.name();
        ModelAutoscalingStatus scaling = deployment.autoscalingStatus();
        List<String> parts = new java.util.ArrayList<>();
        parts.add(scaling.currentReplicas() == null
                ? section.getTranslation("model-autoscaling.summary-waiting", scaling.minReplicas(),
                scaling.maxReplicas())
                : section.getTranslation("model-autoscaling.summary", scaling.minReplicas(), scaling.maxReplicas(),
                scaling.currentReplicas(), scaling.desiredReplicas() == null ? "–" : scaling.desiredReplicas()));
        for (ModelAutoscalingMetric metric : scaling.metrics()) {
            String what = section.getTranslation("model-autoscaling.metric." + metric.metric());
            parts.add(metric.current() == null
                    ? section.getTranslation("model-autoscaling.reading-none", what, amount(section, metric,
                    metric.target()))
                    : section.getTranslation("model-autoscaling.reading", what, amount(section, metric,
                    metric.current()), amount(section, metric, metric.target())));
        }
        if (scaling.lastScaleTime() != null) {
            parts.add(section.getTranslation("model-autoscaling.last-scale",
                    ai.portal.ui.i18n.Formats.dateTime(scaling.lastScaleTime())));
        }
        Paragraph summary = new Paragraph(String.join(" · ", parts));
        summary.setId("model-deployment-autoscaling-" + name);
        summary.addClassName("portal-hint");
        Div conditions = new Div();
        conditions.setId("model-deployment-scaling-conditions-" + name);
        for (ModelAutoscalingCondition condition : scaling.conditions()) {
            Badge words = new Badge(condition(section, condition, deployment));
            words.addClassName("portal-scaling-condition");
            words.getElement().setAttribute("data-code", condition.code());
            // the controller's own words (English, with its message) stay one hover away
            words.getElement().setAttribute("title", condition.words());
            conditions.add(words, new Span(" "));
        }
        return new Div(summary, conditions);
    }

    private static String condition(Section section, ModelAutoscalingCondition condition,
                                     ModelDeployment deployment) {
        String key = "model-autoscaling.condition." + condition.code();
        return switch (condition.code()) {
            case "metric-unavailable" -> condition.metric() == null
                    ? section.getTranslation("model-autoscaling.condition.metric-unavailable-any")
                    : section.getTranslation(key, section.getTranslation("model-autoscaling.metric."
                    + condition.metric()));
            case "scale-down-stabilized" -> section.getTranslation(key, deployment.autoscaling() == null ? "?"
                    : deployment.autoscaling().scaleDownStabilizationSeconds());
            case "at-max-replicas", "at-min-replicas", "scaling-limited", "cannot-scale", "scaling-disabled",
                 "first-reading" -> section.getTranslation(key);
            default -> condition.words();
        };
    }

    private static String amount(Section section, ModelAutoscalingMetric metric, java.math.BigDecimal value) {
        String number = value.stripTrailingZeros().toPlainString();
        return "requestsPerSecond".equals(metric.metric())
                ? section.getTranslation("model-autoscaling.per-second", number)
                : section.getTranslation("model-autoscaling.percent", number);
    }

    private static void confirmDelete(Section section, JobsClient jobs, String team, ModelDeployment deployment) {
        ConfirmDialog confirm = new ConfirmDialog();
        confirm.setId("delete-model-confirm");
        confirm.setHeader(section.getTranslation("team.models.delete-title", deployment.name()));
        confirm.setText(section.getTranslation("team.models.delete-text"));
        confirm.setCancelable(true);
        confirm.setCancelText(section.getTranslation("common.cancel"));
        confirm.setConfirmText(section.getTranslation("team.models.delete"));
        confirm.setConfirmButtonTheme("error primary");
        confirm.addConfirmListener(yes -> Async.run(UI.getCurrent(),
                () -> {
                    jobs.deleteModelDeployment(team, deployment.name());
                    return true;
                },
                done -> {
                    Toasts.success(section.getTranslation("team.models.deleted", deployment.name()));
                    section.reload();
                },
                failure -> Toasts.failure(section, "team.action.delete-model", failure)));
        confirm.open();
    }

    /**
     * Deploy one registered model: a version, a name, replicas, CPU, memory and GPUs per replica. The GPU types are
     * the cluster's, each with the team's quota; a GPU utilisation target is offered only once GPUs are asked for.
     */
    private static final class DeployDialog extends Dialog {

        DeployDialog(JobsClient jobs, String team, RegisteredModel model, List<GpuCapacity> gpuTypes,
                     Runnable afterDeploy) {
            setHeaderTitle(getTranslation("team.models.deploy-title", model.name()));
            setId("deploy-model-dialog");
            setWidth("min(36rem, 95vw)");
            Select<ModelVersion> version = new Select<>();
            version.setId("deploy-model-version");
            version.setLabel(getTranslation("team.models.version"));
            version.setItems(model.versions());
            version.setItemLabelGenerator(found -> Integer.toString(found.version()));
            version.setValue(model.versions().getFirst());
            TextField name = new TextField(getTranslation("team.models.deployment-name"));
            name.setId("deploy-model-name");
            name.setHelperText(getTranslation("team.models.deployment-name.help"));
            name.setValue(suggestedName(model.name()));
            name.setMaxLength(40);
            name.setRequired(true);
            IntegerField replicas = new IntegerField(getTranslation("team.models.replicas"));
            replicas.setId("deploy-model-replicas");
            replicas.setMin(1);
            replicas.setValue(1);
            replicas.setStepButtonsVisible(true);
            IntegerField rateLimit = new IntegerField(getTranslation("team.models.rate-limit"));
            rateLimit.setId("deploy-model-rate-limit");
            rateLimit.setMin(1);
            rateLimit.setHelperText(getTranslation("team.models.rate-limit.default"));
            AutoscalingFields scaling = new AutoscalingFields("deploy-model", null, false);
            scaling.enabled.addValueChangeListener(change -> replicas.setEnabled(!change.getValue()));
            SizeFields size = new SizeFields("deploy-model", "250m", "768Mi", null, 0, gpuTypes, scaling);
            Paragraph error = new Paragraph();
            error.addClassName("portal-problem");
            error.setVisible(false);
            add(new Paragraph(getTranslation("team.models.deploy-text")),
                    new VerticalLayout(version, name, replicas, size, scaling, rateLimit), error);

            Button deploy = new Button(getTranslation("team.models.deploy"));
            deploy.setId("deploy-model-confirm");
            deploy.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            deploy.addClickListener(click -> {
                deploy.setEnabled(false);
                ModelAutoscaling autoscaling = scaling.value();
                var request = new DeployModelRequest(name.getValue().strip(), model.name(),
                        version.getValue() == null ? null : Integer.toString(version.getValue().version()),
                        autoscaling == null ? replicas.getValue() : null, size.cpu(), size.memory(),
                        size.gpuType(), size.gpus(), rateLimit.getValue(), autoscaling);
                Async.run(UI.getCurrent(), () -> jobs.deployModel(team, request), created -> {
                    Toasts.success(getTranslation("team.models.deployed", created.name()));
                    close();
                    afterDeploy.run();
                }, failure -> {
                    deploy.setEnabled(true);
                    error.setText(Problems.message(this, "team.action.deploy-model", failure));
                    error.setVisible(true);
                });
            });
            Button cancel = new Button(getTranslation("common.cancel"), click -> close());
            getFooter().add(cancel, deploy);
        }

        /** A DNS label from the model's name: lower case, other characters as '-', at most 40. */
        static String suggestedName(String model) {
            String name = model.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
                    .replaceAll("^[^a-z]+", "").replaceAll("-+", "-");
            name = name.length() > 40 ? name.substring(0, 40) : name;
            return name.replaceAll("-+$", "");
        }
    }

    /** Roll out another version of the deployment's model, or change its rate limit. */
    private static final class ChangeDialog extends Dialog {

        ChangeDialog(JobsClient jobs, String team, ModelDeployment deployment, List<ModelVersion> versions,
                     List<GpuCapacity> gpuTypes, Runnable afterChange) {
            setHeaderTitle(getTranslation("team.models.change-title", deployment.name()));
            setId("change-model-dialog");
            setWidth("min(40rem, 95vw)");
            Select<Integer> version = new Select<>();
            version.setId("change-model-version");
            version.setLabel(getTranslation("team.models.version"));
            List<Integer> numbers = new java.util.ArrayList<>(versions.stream().map(ModelVersion::version).toList());
            if (!numbers.contains(deployment.version())) {
                numbers.add(deployment.version());
            }
            version.setItems(numbers);
            version.setItemLabelGenerator(number -> number == deployment.version()
                    ? getTranslation("team.models.version-current", number) : Integer.toString(number));
            version.setValue(deployment.version());
            IntegerField rateLimit = new IntegerField(getTranslation("team.models.rate-limit"));
            rateLimit.setId("change-model-rate-limit");
            rateLimit.setHelperText(getTranslation("team.models.rate-limit.help"));
            rateLimit.setMin(1);
            rateLimit.setValue(deployment.rateLimit());
            IntegerField replicas = new IntegerField(getTranslation("team.models.replicas"));
            replicas.setId("change-model-replicas");
            replicas.setMin(1);
            replicas.setStepButtonsVisible(true);
            replicas.setValue(deployment.replicas());
            AutoscalingFields scaling = new AutoscalingFields("change-model", deployment.autoscaling(),
                    deployment.gpus() > 0);
            replicas.setEnabled(!scaling.enabled.getValue());
            scaling.enabled.addValueChangeListener(change -> replicas.setEnabled(!change.getValue()));
            SizeFields size = new SizeFields("change-model", deployment.cpu(), deployment.memory(),
                    deployment.gpuType(), deployment.gpus(), gpuTypes, scaling);
            Paragraph error = new Paragraph();
            error.addClassName("portal-problem");
            error.setVisible(false);
            add(new Paragraph(getTranslation("team.models.change-text")),
                    new VerticalLayout(version, rateLimit, replicas, size, scaling), error);
            Button save = new Button(getTranslation("team.models.change-confirm"));
            save.setId("change-model-confirm");
            save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            save.addClickListener(click -> {
                Integer chosen = version.getValue();
                String newVersion = chosen == null || chosen == deployment.version() ? null : chosen.toString();
                Integer newLimit = rateLimit.getValue() == null || rateLimit.getValue() == deployment.rateLimit()
                        ? null : rateLimit.getValue();
                // autoscaling on or changed; or off (a fixed count), or another fixed count
                ModelAutoscaling wanted = scaling.value();
                ModelAutoscaling newScaling = wanted != null && !wanted.equals(deployment.autoscaling()) ? wanted
                        : null;
                Integer newReplicas = wanted == null && replicas.getValue() != null
                        && (deployment.autoscaling() != null || replicas.getValue() != deployment.replicas())
                        ? replicas.getValue() : null;
                // only what changed is sent: a new size rolls the replicas out again
                String newCpu = size.cpu().equals(deployment.cpu()) ? null : size.cpu();
                String newMemory = size.memory().equals(deployment.memory()) ? null : size.memory();
                boolean newGpus = !java.util.Objects.equals(size.gpus(), deployment.gpus())
                        || !java.util.Objects.equals(size.gpuType(), deployment.gpuType());
                if (newVersion == null && newLimit == null && newScaling == null && newReplicas == null
                        && newCpu == null && newMemory == null && !newGpus) {
                    close();
                    return;
                }
                save.setEnabled(false);
                var update = new ModelDeploymentUpdate(newVersion, newLimit, newReplicas, newScaling, newCpu,
                        newMemory, newGpus ? size.gpuType() : null, newGpus ? size.gpus() : null);
                Async.run(UI.getCurrent(), () -> jobs.updateModelDeployment(team, deployment.name(), update),
                        changed -> {
                    Toasts.success(newVersion == null
                            ? getTranslation("team.models.changed", changed.name())
                            : getTranslation("team.models.rolling-out", changed.name(), changed.version()));
                    close();
                    afterChange.run();
                }, failure -> {
                    save.setEnabled(true);
                    error.setText(Problems.message(this, "team.action.change-model", failure));
                    error.setVisible(true);
                });
            });
            getFooter().add(new Button(getTranslation("common.cancel"), click -> close()), save);
        }
    }

    /**
     * What each replica asks for, in the deploy and change dialogs: CPU, memory, and GPUs of one type (the cluster's
     * types, each with the team's quota). A type and a count go together: choosing a type asks for one GPU, "none"
     * for none; the autoscaling fields offer their GPU target only while GPUs are asked for.
     */
    private static final class SizeFields extends VerticalLayout {

        private static final String NO_GPU = "";

        private final TextField cpu = new TextField(getTranslation("team.models.cpu"));
        private final TextField memory = new TextField(getTranslation("team.models.memory"));
        private final Select<String> gpuType = new Select<>();
        private final IntegerField gpus = new IntegerField(getTranslation("workload.gpus"));

        SizeFields(String idPrefix, String currentCpu, String currentMemory, String currentGpuType, int currentGpus,
                   List<GpuCapacity> gpuTypes, AutoscalingFields scaling) {
            setPadding(false);
            cpu.setId(idPrefix + "-cpu");
            cpu.setValue(currentCpu);
            memory.setId(idPrefix + "-memory");
            memory.setValue(currentMemory);
            gpuType.setId(idPrefix + "-gpu-type");
            gpuType.setLabel(getTranslation("workload.gpu-type"));
            List<String> types = new java.util.ArrayList<>(List.of(NO_GPU));
            gpuTypes.forEach(type -> types.add(type.gpuType()));
            if (currentGpuType != null && !types.contains(currentGpuType)) {
                types.add(currentGpuType);
            }
            gpuType.setItems(types);
            gpuType.setItemLabelGenerator(type -> NO_GPU.equals(type) ? getTranslation("workload.gpu-none")
                    : gpuTypes.stream().filter(found -> found.gpuType().equals(type)).findFirst()
                    .map(found -> getTranslation("team.models.gpu-choice", found.shortName() == null
                            ? found.gpuType() : found.shortName(), found.quota())).orElse(type));
            gpuType.setValue(currentGpuType == null ? NO_GPU : currentGpuType);
            gpuType.setHelperText(getTranslation("team.models.gpu-type.help"));
            gpus.setId(idPrefix + "-gpus");
            gpus.setMin(0);
            gpus.setMax(8);
            gpus.setValue(currentGpus);
            gpus.setStepButtonsVisible(true);
            gpuType.addValueChangeListener(change -> {
                if (NO_GPU.equals(change.getValue())) {
                    gpus.setValue(0);
                } else if (gpus.getValue() == null || gpus.getValue() == 0) {
                    gpus.setValue(1);
                }
            });
            gpus.addValueChangeListener(change -> scaling.withGpus(change.getValue() != null
                    && change.getValue() > 0));
            HorizontalLayout resources = new HorizontalLayout(cpu, memory);
            HorizontalLayout accelerators = new HorizontalLayout(gpuType, gpus);
            add(resources, accelerators);
        }

        String cpu() {
            return cpu.getValue().strip();
        }

        String memory() {
            return memory.getValue().strip();
        }

        /** The GPU type asked for; null for CPU serving. */
        String gpuType() {
            return NO_GPU.equals(gpuType.getValue()) ? null : gpuType.getValue();
        }

        Integer gpus() {
            return gpus.getValue();
        }
    }

    /**
     * The autoscaling part of the deploy and change dialogs: on or off, the replicas' bounds, the targets (CPU and
     * memory in % of the requests, requests per second per replica, GPU utilisation) and the scale-down delay. The
     * GPU target is enabled only for replicas with GPUs (the job runner refuses it otherwise), and cleared when the
     * GPUs go.
     */
    private static final class AutoscalingFields extends VerticalLayout {

        private final Checkbox enabled = new Checkbox(getTranslation("team.models.autoscale"));
        private final IntegerField min = new IntegerField(getTranslation("team.models.min-replicas"));
        private final IntegerField max = new IntegerField(getTranslation("team.models.max-replicas"));
        private final IntegerField cpu = new IntegerField(getTranslation("team.models.target-cpu"));
        private final IntegerField memory = new IntegerField(getTranslation("team.models.target-memory"));
        private final BigDecimalField requests = new BigDecimalField(getTranslation("team.models.target-rps"));
        private final IntegerField gpu = new IntegerField(getTranslation("team.models.target-gpu"));
        private final IntegerField window = new IntegerField(getTranslation("team.models.scale-down"));

        AutoscalingFields(String idPrefix, ModelAutoscaling current, boolean withGpus) {
            setPadding(false);
            enabled.setId(idPrefix + "-autoscale");
            enabled.setHelperText(getTranslation("team.models.autoscale.help"));
            min.setId(idPrefix + "-min-replicas");
            max.setId(idPrefix + "-max-replicas");
            cpu.setId(idPrefix + "-target-cpu");
            memory.setId(idPrefix + "-target-memory");
            requests.setId(idPrefix + "-target-rps");
            gpu.setId(idPrefix + "-target-gpu");
            gpu.setMin(1);
            gpu.setMax(100);
            window.setId(idPrefix + "-scale-down");
            window.setHelperText(getTranslation("team.models.scale-down.help"));
            min.setMin(1);
            max.setMin(1);
            cpu.setMin(1);
            memory.setMin(1);
            memory.setMax(100);
            window.setMin(0);
            HorizontalLayout bounds = new HorizontalLayout(min, max, window);
            HorizontalLayout targets = new HorizontalLayout(cpu, memory, requests, gpu);
            // three fields a row do not fit a narrow dialog: they wrap
            bounds.setWrap(true);
            targets.setWrap(true);
            if (current != null) {
                enabled.setValue(true);
                min.setValue(current.minReplicas());
                max.setValue(current.maxReplicas());
                cpu.setValue(current.cpuUtilization());
                memory.setValue(current.memoryUtilization());
                requests.setValue(current.requestsPerSecond());
                gpu.setValue(current.gpuUtilization());
                window.setValue(current.scaleDownStabilizationSeconds());
            } else {
                min.setValue(1);
                max.setValue(3);
                cpu.setValue(70);
            }
            bounds.setVisible(enabled.getValue());
            targets.setVisible(enabled.getValue());
            enabled.addValueChangeListener(change -> {
                bounds.setVisible(change.getValue());
                targets.setVisible(change.getValue());
            });
            withGpus(withGpus);
            add(enabled, bounds, targets);
        }

        /** Offers the GPU target when the replicas hold GPUs; without them it is cleared and disabled. */
        void withGpus(boolean gpus) {
            gpu.setEnabled(gpus);
            gpu.setHelperText(gpus ? null : getTranslation("team.models.target-gpu.needs-gpus"));
            if (!gpus) {
                gpu.clear();
            }
        }

        /** The policy asked for (null: autoscaling off); the job runner validates it and says what is wrong. */
        ModelAutoscaling value() {
            return !enabled.getValue() ? null : new ModelAutoscaling(min.getValue(), max.getValue(), cpu.getValue(),
                    memory.getValue(), requests.getValue(), gpu.isEnabled() ? gpu.getValue() : null,
                    window.getValue());
        }
    }

    /**
     * A deployment's API keys: listed for everyone (never the key), created (the key shown once, here) and revoked
     * by owners and members.
     */
    private static final class KeysDialog extends Dialog {

        private final JobsClient jobs;
        private final String team;
        private final String deployment;
        private final boolean canEdit;
        private final Grid<ModelApiKey> grid = new Grid<>();
        private final Paragraph error = new Paragraph();

        KeysDialog(JobsClient jobs, String team, String deployment, boolean canEdit) {
            this.jobs = jobs;
            this.team = team;
            this.deployment = deployment;
            this.canEdit = canEdit;
            setHeaderTitle(getTranslation("team.models.keys-title", deployment));
            setId("model-keys-dialog");
            setWidth("min(52rem, 95vw)");
            error.addClassName("portal-problem");
            error.setVisible(false);
            grid.setId("model-keys");
            grid.addThemeVariants(GridVariant.LUMO_COMPACT);
            grid.setAllRowsVisible(true);
            grid.addColumn(ModelApiKey::name).setHeader(getTranslation("team.models.key-name"));
            grid.addColumn(key -> key.prefix() + "…").setHeader(getTranslation("team.models.key-prefix"));
            grid.addColumn(key -> key.createdBy() + ", " + ai.portal.ui.i18n.Formats.dateTime(key.createdAt()))
                    .setHeader(getTranslation("team.models.key-created"));
            grid.addColumn(key -> key.lastUsedAt() == null ? getTranslation("team.models.key-never")
                    : ai.portal.ui.i18n.Formats.dateTime(key.lastUsedAt())).setHeader(getTranslation("team.models.key-used"));
            grid.addComponentColumn(key -> {
                if (key.revokedAt() != null) {
                    return new Span(getTranslation("team.models.key-revoked", key.revokedBy()));
                }
                if (!canEdit) {
                    return new Span(getTranslation("team.models.key-active"));
                }
                Button revoke = new Button(getTranslation("team.models.key-revoke"));
                revoke.setId("revoke-model-key-" + key.name());
                revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
                revoke.addClickListener(click -> Async.run(UI.getCurrent(),
                        () -> {
                            jobs.revokeModelKey(team, deployment, key.id());
                            return true;
                        },
                        done -> {
                            Toasts.success(getTranslation("team.models.key-revoked-toast", key.name()));
                            reload();
                        },
                        failure -> Toasts.failure(this, "team.action.revoke-key", failure)));
                return revoke;
            });
            add(new Paragraph(getTranslation("team.models.keys-text")), grid);
            if (canEdit) {
                TextField name = new TextField(getTranslation("team.models.key-name"));
                name.setId("model-key-name");
                name.setMaxLength(64);
                name.setPlaceholder(getTranslation("team.models.key-name-placeholder"));
                Div shown = new Div();
                shown.setId("model-key-created");
                Button create = new Button(getTranslation("team.models.key-create"), VaadinIcon.PLUS.create());
                create.setId("model-key-create");
                create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
                create.addClickListener(click -> {
                    create.setEnabled(false);
                    Async.run(UI.getCurrent(), () -> jobs.createModelKey(team, deployment, name.getValue().strip()),
                            created -> {
                                create.setEnabled(true);
                                error.setVisible(false);
                                name.clear();
                                TextField secret = new TextField(getTranslation("team.models.key-secret"));
                                secret.setId("model-key-secret");
                                secret.setReadOnly(true);
                                secret.setWidthFull();
                                secret.setValue(created.key());
                                secret.setHelperText(getTranslation("team.models.key-secret.help"));
                                shown.removeAll();
                                shown.add(secret);
                                reload();
                            }, failure -> {
                                create.setEnabled(true);
                                error.setText(Problems.message(this, "team.action.create-key", failure));
                                error.setVisible(true);
                            });
                });
                HorizontalLayout form = new HorizontalLayout(name, create);
                form.setAlignItems(com.vaadin.flow.component.orderedlayout.FlexComponent.Alignment.BASELINE);
                add(form, shown);
            }
            add(error);
            getFooter().add(new Button(getTranslation("team.models.close"), click -> close()));
            reload();
        }

        private void reload() {
            Async.run(UI.getCurrent(), () -> jobs.modelKeys(team, deployment), grid::setItems, failure -> {
                error.setText(Problems.message(this, "team.load-model-keys", failure));
                error.setVisible(true);
            });
        }
    }
}
