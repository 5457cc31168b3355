package dev.backlot.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs JavaScript clients from npm (the backends' official Node SDKs) against a fake, for
 * conformance tests where a backend has no Java client, or where a second client proves the fake.
 *
 * <p>The npm project is {@code src/test/js} (one {@code package.json} + {@code package-lock.json}
 * for every script). It is copied to {@code target/js} and installed there once with {@code npm
 * ci}, again only when the lock file changes; parallel forks share the install through a file
 * lock. Scripts are ES modules under {@code src/test/js/<backend>/}; they read their settings
 * from environment variables, print what the test checks (JSON on the last line by convention)
 * and exit non-zero on failure.
 *
 * <pre>{@code
 * Node.Result r = Node.run("gradio/predict.mjs", Map.of("GRADIO_URL", fake.baseUri().toString()));
 * assertThat(r.exitCode()).as(r.output()).isZero();
 * JsonNode out = Json.read(r.lastLine());
 * }</pre>
 *
 * <p>Without {@code node} and {@code npm} on the PATH the calling test is skipped (a JUnit
 * assumption, reported as skipped); with them, a failed install fails the test.
 */
public final class Node {

  private static final Path SOURCE = Path.of("src", "test", "js");
  private static final Path TARGET = Path.of("target", "js");
  private static volatile boolean installed;

  private Node() {}

  /** What a script printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Both streams, for assertion messages. */
    public String output() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }

    /** The last non-blank line of stdout (where scripts print their JSON result). */
    public String lastLine() {
      String[] lines = stdout.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  /** True when node and npm can be run here. */
  public static boolean available() {
    return runs("node", "--version") && runs("npm", "--version");
  }

  /** Skips the calling test (visibly) when node or npm is missing. */
  public static void assumeAvailable() {
    assumeTrue(available(), "node and npm are not on the PATH: JavaScript client conformance skipped");
  }

  /**
   * Runs {@code script} (relative to {@code src/test/js}) with {@code env} added to the
   * environment; at most two minutes, then the script is killed and the result says so.
   */
  public static Result run(String script, Map<String, String> env) {
    return run(script, env, Duration.ofMinutes(2));
  }

  /** Like {@link #run(String, Map)} with an explicit time limit. */
  public static Result run(String script, Map<String, String> env, Duration limit) {
    assumeAvailable();
    Path dir = install();
    List<String> command = new ArrayList<>(List.of("node", script));
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
      Map<String, String> environment = new HashMap<>(env);
      environment.putIfAbsent("NODE_NO_WARNINGS", "1");
      pb.environment().putAll(environment);
      Path out = Files.createTempFile("node-out", ".txt");
      Path err = Files.createTempFile("node-err", ".txt");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      boolean done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      if (!done) {
        stderr += "\n(killed after " + limit + ")";
        return new Result(-1, stdout, stderr);
      }
      return new Result(p.exitValue(), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  /** Copies the npm project to target/js and runs {@code npm ci} when the lock file changed. */
  static synchronized Path install() {
    Path dir = TARGET.toAbsolutePath();
    if (installed) {
      copyScripts(dir);
      return dir;
    }
    try {
      Files.createDirectories(dir);
      try (FileChannel ch =
              FileChannel.open(dir.resolve(".install.lock"), StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        copyScripts(dir);
        String lock = Files.readString(SOURCE.resolve("package-lock.json"));
        Path stamp = dir.resolve("node_modules").resolve(".backlot-lock-hash");
        String hash = Integer.toHexString(lock.hashCode());
        if (!Files.exists(stamp) || !Files.readString(stamp).equals(hash)) {
          Process p =
              new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                  .directory(dir.toFile())
                  .redirectErrorStream(true)
                  .redirectOutput(dir.resolve("npm-ci.log").toFile())
                  .start();
          if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(
                "npm ci failed in " + dir + ":\n" + Files.readString(dir.resolve("npm-ci.log")));
          }
          Files.writeString(stamp, hash);
        }
      }
      installed = true;
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during npm ci", e);
    }
  }

  private static void copyScripts(Path dir) {
    try {
      Files.walkFileTree(SOURCE, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
          if (d.getFileName().toString().equals("node_modules")) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          Files.createDirectories(dir.resolve(SOURCE.relativize(d).toString()));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          Files.copy(f, dir.resolve(SOURCE.relativize(f).toString()),
              StandardCopyOption.REPLACE_EXISTING);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
