package org.cassl.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules of DESIGN.md, checked on the compiled classes of every module (the
 * app's test classpath holds them all).
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // main classes only: the test classes and the modules' test-jars are left out
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("org.cassl");
    }

    @Test
    void modulesHaveNoCycles() {
        slices().matching("org.cassl.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void dependenciesPointOneWay() {
        rule("tensor", "autograd", "nn", "detection", "kernels", "training", "app", "bench", "spark");
        rule("autograd", "nn", "detection", "kernels", "training", "app", "bench", "spark");
        rule("nn", "detection", "kernels", "training", "app", "bench", "spark");
        rule("detection", "kernels", "training", "app", "bench", "spark");
        rule("training", "kernels", "app", "bench", "spark");
        rule("bench", "app", "spark");
    }

    private static void rule(String module, String... above) {
        String[] packages = new String[above.length];
        for (int i = 0; i < above.length; i++) {
            packages[i] = "org.cassl." + above[i] + "..";
        }
        noClasses().that().resideInAPackage("org.cassl." + module + "..").should().dependOnClassesThat()
                .resideInAnyPackage(packages).because(module + " sits below " + String.join(", ", above))
                .check(classes);
    }

    @Test
    void theApiImportsNothingFromTheCommandLine() {
        noClasses().that().resideInAPackage("org.cassl.training.api..").should().dependOnClassesThat()
                .resideInAnyPackage("org.cassl.app..", "picocli..").check(classes);
    }

    @Test
    void onlyTheAppUsesPlottingAndPdfLibraries() {
        noClasses().that().resideOutsideOfPackage("org.cassl.app..").should().dependOnClassesThat()
                .resideInAnyPackage("org.knowm.xchart..", "org.apache.pdfbox..", "de.rototor..").check(classes);
    }

    @Test
    void onlyTheFrontEndsUsePicocli() {
        // the app's command line, and the spark module's entry point for spark-submit (its jar has no app)
        noClasses().that().resideOutsideOfPackages("org.cassl.app..", "org.cassl.spark.cli..").should()
                .dependOnClassesThat().resideInAPackage("picocli..").check(classes);
    }

    @Test
    void theLibraryNeverSeesSpark() {
        noClasses().that().resideOutsideOfPackages("org.cassl.spark..", "org.cassl.app..").should()
                .dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..").check(classes);
    }

    @Test
    void detectionDoesNotCallBackendsDirectly() {
        // the models run on tensors and the DetectionKernels interface; only the kernel layer
        // (org.cassl.detection.kernels: the SPI, its registry and the CPU reference) binds to backends
        noClasses().that().resideInAPackage("org.cassl.detection..")
                .and().resideOutsideOfPackage("org.cassl.detection.kernels..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.cassl.tensor.Backend")
                .orShould().dependOnClassesThat().resideInAPackage("org.cassl.tensor.cpu..")
                .because("detection code runs on tensors and its own kernel interface, whatever the device")
                .check(classes);
    }
}
