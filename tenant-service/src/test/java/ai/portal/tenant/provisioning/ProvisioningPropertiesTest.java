package ai.portal.tenant.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/** The {@code portal.provisioning} block of application.yaml binds, and says the same as the record's defaults. */
class ProvisioningPropertiesTest {

    @Test
    void applicationYamlBindsToTheDefaults() throws IOException {
        var environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yaml"))
                .forEach(environment.getPropertySources()::addLast);
        var bound = new Binder(ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment))
                .bind("portal.provisioning", ProvisioningProperties.class).get();

        assertThat(bound).isEqualTo(ProvisioningProperties.defaults());
    }

    /** The Helm chart names the release's service accounts with environment variables. */
    @Test
    void theChartsEnvironmentVariablesNameEachServicesAccount() {
        var environment = new StandardEnvironment();
        // named as the process environment is, so Spring maps the variables' names as it does in a pod
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.<String, Object>of(
                        "PORTAL_PROVISIONING_SERVICEACCOUNTS_JOBRUNNER_NAMESPACE", "portal",
                        "PORTAL_PROVISIONING_SERVICEACCOUNTS_JOBRUNNER_NAME", "rel-ai-portal-job-runner",
                        "PORTAL_PROVISIONING_SERVICEACCOUNTS_LOGGINGPIPELINE_NAMESPACE", "portal",
                        "PORTAL_PROVISIONING_SERVICEACCOUNTS_LOGGINGPIPELINE_NAME", "rel-ai-portal-logging-pipeline")));
        var bound = new Binder(ConfigurationPropertySources.get(environment))
                .bindOrCreate("portal.provisioning", ProvisioningProperties.class);

        assertThat(bound.serviceAccounts()).isEqualTo(new ProvisioningProperties.ServiceAccounts(
                new ProvisioningProperties.ServiceAccountRef("portal", "rel-ai-portal-job-runner"),
                new ProvisioningProperties.ServiceAccountRef("portal", "rel-ai-portal-logging-pipeline")));
    }

    @Test
    void defaultsWhenNothingIsConfigured() {
        var bound = new Binder(ConfigurationPropertySources.get(new StandardEnvironment()))
                .bindOrCreate("portal.provisioning", ProvisioningProperties.class);

        assertThat(bound.fieldManager()).isEqualTo("ai-portal-tenant-service");
        assertThat(bound.clusterCidrs()).containsExactly("10.96.0.0/12", "10.244.0.0/16");
        assertThat(bound.containerDefaults()).isEqualTo(ProvisioningProperties.ContainerDefaults.DEFAULT);
        assertThat(bound.serviceAccounts()).isEqualTo(ProvisioningProperties.ServiceAccounts.NONE);
        assertThat(bound.maxPods()).isEqualTo(100);
        assertThat(bound.ephemeralStorage()).isEqualTo(new ProvisioningProperties.EphemeralStorage(
                "500Gi", "1Ti", "1Gi", "10Gi", "200Gi"));
        assertThat(bound.enabled()).isTrue();
    }

    /** The chart's values reach the team quota through these variables (services.yaml). */
    @Test
    void theChartsEnvironmentVariablesSetTheTeamsEphemeralStorage() {
        var environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.<String, Object>of(
                        "PORTAL_PROVISIONING_EPHEMERALSTORAGE_REQUESTS", "100Gi",
                        "PORTAL_PROVISIONING_EPHEMERALSTORAGE_LIMITS", "200Gi",
                        "PORTAL_PROVISIONING_EPHEMERALSTORAGE_DEFAULTREQUEST", "2Gi",
                        "PORTAL_PROVISIONING_EPHEMERALSTORAGE_DEFAULTLIMIT", "4Gi",
                        "PORTAL_PROVISIONING_EPHEMERALSTORAGE_MAX", "50Gi")));
        var bound = new Binder(ConfigurationPropertySources.get(environment))
                .bindOrCreate("portal.provisioning", ProvisioningProperties.class);

        assertThat(bound.ephemeralStorage()).isEqualTo(new ProvisioningProperties.EphemeralStorage(
                "100Gi", "200Gi", "2Gi", "4Gi", "50Gi"));
    }

    @Test
    void refusesEphemeralStorageSettingsThatContradictEachOther() {
        assertThatThrownBy(() -> new ProvisioningProperties.EphemeralStorage("500Gi", "1Ti", "1Gi", "10Gi", "2Ti"))
                .hasMessageContaining("ephemeral-storage.max must not exceed portal.provisioning.ephemeral-storage.limits");
        assertThatThrownBy(() -> new ProvisioningProperties.EphemeralStorage("500Gi", "1Ti", "20Gi", "10Gi", "200Gi"))
                .hasMessageContaining("ephemeral-storage.default-request must not exceed");
        assertThatThrownBy(() -> new ProvisioningProperties.EphemeralStorage("lots", "1Ti", "1Gi", "10Gi", "200Gi"))
                .hasMessageContaining("portal.provisioning.ephemeral-storage.requests is not a quantity");
        assertThatThrownBy(() -> new ProvisioningProperties.EphemeralStorage("", "1Ti", "1Gi", "10Gi", "200Gi"))
                .hasMessageContaining("portal.provisioning.ephemeral-storage.requests is required");
        // blanks around a value (a Helm value with a trailing space) do not reach the quota
        assertThat(new ProvisioningProperties.EphemeralStorage(" 50Gi", "80Gi ", "1Gi", "2Gi", "40Gi"))
                .isEqualTo(new ProvisioningProperties.EphemeralStorage("50Gi", "80Gi", "1Gi", "2Gi", "40Gi"));
    }
}
