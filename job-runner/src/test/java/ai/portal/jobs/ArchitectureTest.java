package ai.portal.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Feature packages without cycles; the model stays pure; only the API layer knows the web. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ai.portal.jobs");

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("ai.portal.jobs.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theModelAndTheDeriverDoNoIo() {
        noClasses().that().haveSimpleNameStartingWith("WorkloadResources")
                .or().haveSimpleName("StatusDeriver").or().haveSimpleName("EtaEstimator")
                .or().haveSimpleName("LaunchValidator")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.r2dbc..",
                        "io.fabric8.kubernetes.client..", "org.springframework.web.reactive.function.client..")
                .check(CLASSES);
    }

    @Test
    void controllersAreOnlyCalledByTheFramework() {
        noClasses().should().dependOnClassesThat().haveSimpleNameEndingWith("Controller")
                .andShould().haveSimpleNameNotEndingWith("Controller")
                .check(CLASSES);
    }

    @Test
    void onlyTheOperatorWritesToKubernetes() {
        noClasses().that().resideOutsideOfPackages("ai.portal.jobs.workload", "ai.portal.jobs.leader",
                        "ai.portal.jobs.cluster", "ai.portal.jobs.status")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.fabric8.kubernetes.client.KubernetesClient")
                .check(CLASSES);
    }
}
