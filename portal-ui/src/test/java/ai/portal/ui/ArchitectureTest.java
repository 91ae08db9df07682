package ai.portal.ui;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Views talk to backend clients; only the backend and security packages know HTTP, tokens and URLs. */
@AnalyzeClasses(packages = "ai.portal.ui", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule viewsDoNotMakeHttpCallsThemselves = noClasses()
            .that().resideOutsideOfPackages("ai.portal.ui.backend..", "ai.portal.ui.security..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.springframework.web.client..", "org.springframework.security.oauth2.client..");

    @ArchTest
    static final ArchRule backendClientsDoNotDependOnViews = noClasses()
            .that().resideInAPackage("ai.portal.ui.backend..")
            .should().dependOnClassesThat().resideInAPackage("com.vaadin..");
}
