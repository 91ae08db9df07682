package ai.portal.logs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The service's packages point one way: {@code record} (the log document) at the bottom, {@code opensearch} and
 * {@code kubernetes} (the stores and the cluster) above it, the two features {@code collector} and {@code query} on
 * top, neither reaching into the other.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ai.portal.logs");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("ai.portal.logs.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theLogRecordDependsOnNothingElseOfTheService() {
        noClasses().that().resideInAPackage("ai.portal.logs.record..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.portal.logs.collector..",
                        "ai.portal.logs.query..", "ai.portal.logs.opensearch..", "ai.portal.logs.kubernetes..")
                .check(CLASSES);
    }

    @Test
    void storesAndClusterAccessDoNotReachUpIntoTheFeatures() {
        noClasses().that().resideInAnyPackage("ai.portal.logs.opensearch..", "ai.portal.logs.kubernetes..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.portal.logs.collector..", "ai.portal.logs.query..")
                .check(CLASSES);
    }

    @Test
    void collectingAndQueryingAreIndependentFeatures() {
        noClasses().that().resideInAPackage("ai.portal.logs.collector..")
                .should().dependOnClassesThat().resideInAPackage("ai.portal.logs.query..").check(CLASSES);
        noClasses().that().resideInAPackage("ai.portal.logs.query..")
                .should().dependOnClassesThat().resideInAPackage("ai.portal.logs.collector..").check(CLASSES);
    }
}
