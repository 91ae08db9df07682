package ai.portal.tenant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.springframework.stereotype.Service;

/**
 * The shape of tenant-service, checked on its compiled classes: feature packages that import each other only one
 * way, a domain every feature may use that uses none of them and no infrastructure, and no feature reaching into
 * another feature's service except through a port that feature publishes (an interface such as
 * {@code quota.QuotaRules}).
 */
@AnalyzeClasses(packages = "ai.portal.tenant", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles = slices().matching("ai.portal.tenant.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule domainUsesNoFeatureAndNoInfrastructure = classes()
            .that().resideInAPackage("ai.portal.tenant.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "ai.portal.tenant.domain..",
                    "ai.portal.platform.problem..", "ai.portal.platform.team..",
                    "java..", "reactor.core.publisher..",
                    "org.springframework.http..", "com.fasterxml.jackson.annotation..")
            .because("the domain is what every feature shares: values, problems and ports, no Kubernetes, Keycloak, "
                    + "SQL or web framework");

    @ArchTest
    static final ArchRule servicesAreUsedOnlyInsideTheirFeature = classes()
            .that().areAnnotatedWith(Service.class)
            .should(beUsedOnlyFromTheirOwnPackage())
            .because("a feature asks another through a named port (an interface it publishes), not its service");

    private static ArchCondition<JavaClass> beUsedOnlyFromTheirOwnPackage() {
        return new ArchCondition<>("be used only from their own package") {
            @Override
            public void check(JavaClass service, ConditionEvents events) {
                for (Dependency dependency : service.getDirectDependenciesToSelf()) {
                    JavaClass user = dependency.getOriginClass();
                    if (!user.getPackageName().equals(service.getPackageName())) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }
}
