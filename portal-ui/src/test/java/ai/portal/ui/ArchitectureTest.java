package ai.portal.ui;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Views talk to backend clients; only the backend and security packages know HTTP, tokens and URLs; the feature
 * packages do not depend on each other in circles; the shared building blocks know no feature.
 */
@AnalyzeClasses(packages = "ai.portal.ui", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule viewsDoNotMakeHttpCallsThemselves = noClasses()
            .that().resideOutsideOfPackages("ai.portal.ui.backend..", "ai.portal.ui.security..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.springframework.web.client..", "org.springframework.security.oauth2.client..",
                    "java.net.http..");

    @ArchTest
    static final ArchRule backendClientsDoNotDependOnViews = noClasses()
            .that().resideInAPackage("ai.portal.ui.backend..")
            .should().dependOnClassesThat().resideInAPackage("com.vaadin..");

    @ArchTest
    static final ArchRule sharedBuildingBlocksKnowNoFeature = noClasses()
            .that().resideInAnyPackage("ai.portal.ui.components..", "ai.portal.ui.i18n..", "ai.portal.ui.live..",
                    "ai.portal.ui.backend..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.portal.ui.home..", "ai.portal.ui.team..",
                    "ai.portal.ui.admin..", "ai.portal.ui.layout..", "ai.portal.ui.quota..");

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles = slices().matching("ai.portal.ui.(*)..")
            .should().beFreeOfCycles();
}
