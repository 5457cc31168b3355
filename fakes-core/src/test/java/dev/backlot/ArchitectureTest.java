package dev.backlot;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering, checked on the compiled main classes so it stays true:
 *
 * <pre>
 * time  &lt;-  wire  &lt;-  journal  &lt;-  fault      net (time only)      jobs, media (time only)
 *                  dev.backlot (Fake, FakeBuilder, FakeSet): time, journal, fault
 *                  engine: the root package, wire, journal, fault, net, time
 *                  backends (comfyui, openai, gcs, redis, http, ...): engine and the layers below, jobs, media
 *                  cli: everything
 * </pre>
 *
 * A package's subpackages (e.g. a future {@code engine.internal}) belong to it. No backend
 * imports another, except the pairs in {@link #BACKEND_EXCEPTIONS}.
 */
class ArchitectureTest {

  /** Backend packages: one per faked service. */
  static final Set<String> BACKENDS = Set.of(
      "comfyui", "openai", "gcs", "redis", "http",
      "gradio", "runway", "veo", "minimax", "cablecast");

  /**
   * Backend -> backends it may use. Veo answers with {@code gs://} URIs and may store its outputs
   * in the GCS fake; nothing else crosses.
   */
  static final Map<String, Set<String>> BACKEND_EXCEPTIONS = Map.of("veo", Set.of("gcs"));

  private static JavaClasses main;

  @BeforeAll
  static void importMain() {
    main = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages("dev.backlot");
  }

  /** dev.backlot -> "root"; dev.backlot.engine.x -> "engine". */
  private static final SliceAssignment TOP_LEVEL = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String p = c.getPackageName();
      if (p.equals("dev.backlot")) {
        return SliceIdentifier.of("root");
      }
      if (!p.startsWith("dev.backlot.")) {
        return SliceIdentifier.ignore();
      }
      String rest = p.substring("dev.backlot.".length());
      int dot = rest.indexOf('.');
      return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
    }

    @Override
    public String getDescription() {
      return "top-level dev.backlot packages";
    }
  };

  @Test
  void noCycleAmongPackages() {
    slices().assignedFrom(TOP_LEVEL).should().beFreeOfCycles().check(main);
  }

  @Test
  void timeImportsNothingOfBacklot() {
    onlyDependsOn("time").check(main);
  }

  @Test
  void wireImportsOnlyTime() {
    onlyDependsOn("wire", "time").check(main);
  }

  @Test
  void journalImportsOnlyWireAndTime() {
    onlyDependsOn("journal", "wire", "time").check(main);
  }

  @Test
  void faultImportsOnlyJournalWireAndTime() {
    onlyDependsOn("fault", "journal", "wire", "time").check(main);
  }

  @Test
  void netJobsAndMediaImportOnlyTime() {
    onlyDependsOn("net", "time").check(main);
    onlyDependsOn("jobs", "time").check(main);
    onlyDependsOn("media", "time").check(main);
  }

  @Test
  void theRootPackageSitsBelowTheEngine() {
    classes().that().resideInAPackage("dev.backlot")
        .should().onlyDependOnClassesThat(
            resideOutsideOfPackage("dev.backlot..")
                .or(resideInAnyPackage("dev.backlot", "dev.backlot.time..", "dev.backlot.wire..",
                    "dev.backlot.journal..", "dev.backlot.fault..", "dev.backlot.net..")))
        .check(main);
  }

  @Test
  void theEngineImportsNoBackendNorTheLauncher() {
    List<String> above = new ArrayList<>();
    for (String b : BACKENDS) {
      above.add("dev.backlot." + b + "..");
    }
    above.add("dev.backlot.cli..");
    above.add("dev.backlot.jobs..");
    above.add("dev.backlot.media..");
    noClasses().that().resideInAPackage("dev.backlot.engine..")
        .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
        .check(main);
  }

  @Test
  void noBackendImportsAnother() {
    for (String b : BACKENDS) {
      List<String> others = new ArrayList<>();
      for (String o : BACKENDS) {
        if (!o.equals(b) && !BACKEND_EXCEPTIONS.getOrDefault(b, Set.of()).contains(o)) {
          others.add("dev.backlot." + o + "..");
        }
      }
      others.add("dev.backlot.cli..");
      noClasses().that().resideInAPackage("dev.backlot." + b + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others.toArray(String[]::new))
          .allowEmptyShould(true)
          .check(main);
    }
  }

  /** Files stay small enough to read: a file past this is split by concern, as GcsFake is. */
  static final int MAX_LINES = 700;

  @Test
  void noMainSourceFileIsOver700Lines() throws java.io.IOException {
    java.nio.file.Path root = java.nio.file.Path.of("src/main/java");
    List<String> tooLong = new ArrayList<>();
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
      for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        long lines = java.nio.file.Files.readAllLines(f).size();
        if (lines > MAX_LINES) {
          tooLong.add(root.relativize(f) + " (" + lines + " lines)");
        }
      }
    }
    org.assertj.core.api.Assertions.assertThat(tooLong).as("main source files over %d lines", MAX_LINES).isEmpty();
  }

  /** Classes of {@code pkg} depend on nothing of Backlot but {@code pkg} and {@code allowed}. */
  private static com.tngtech.archunit.lang.ArchRule onlyDependsOn(String pkg, String... allowed) {
    List<String> ok = new ArrayList<>();
    ok.add("dev.backlot." + pkg + "..");
    for (String a : allowed) {
      ok.add("dev.backlot." + a + "..");
    }
    return classes().that().resideInAPackage("dev.backlot." + pkg + "..")
        .should().onlyDependOnClassesThat(
            not(resideInAnyPackage("dev.backlot..")).or(resideInAnyPackage(ok.toArray(String[]::new))));
  }
}
