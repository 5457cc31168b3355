package dev.backlot.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the {@link Contenders} groups and prints, for each, the contender/baseline throughput
 * ratio of every measured iteration and their median. Both methods of a group run at the same
 * time, so each iteration's ratio compares like with like on a noisy machine.
 *
 * <pre>
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Ratios            # all groups
 * java -cp fakes-bench/target/benchmarks.jar dev.backlot.bench.Ratios fakeVsUndertow -i 7
 * </pre>
 *
 * <p>Defaults: 1 fork, 2 warm-up and 5 measured iterations of 2 s each (about 15 s per group);
 * any JMH option after the group names overrides them.
 */
public final class Ratios {

  private Ratios() {}

  public static void main(String[] args) throws Exception {
    List<String> groups = new ArrayList<>();
    List<String> jmh = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("-")) {
        jmh.addAll(List.of(args).subList(i, args.length));
        break;
      }
      groups.add(args[i]);
    }
    OptionsBuilder b = new OptionsBuilder();
    b.parent(new CommandLineOptions(jmh.toArray(new String[0])));
    if (groups.isEmpty()) {
      b.include(Contenders.class.getName() + ".*");
    }
    for (String g : groups) {
      b.include(Contenders.class.getName() + "." + g + "$");
    }
    CommandLineOptions cli = new CommandLineOptions(jmh.toArray(new String[0]));
    if (cli.getForkCount().hasValue() == false) {
      b.forks(1);
    }
    if (!cli.getWarmupIterations().hasValue()) {
      b.warmupIterations(2).warmupTime(TimeValue.seconds(2));
    }
    if (!cli.getMeasurementIterations().hasValue()) {
      b.measurementIterations(5).measurementTime(TimeValue.seconds(2));
    }
    Options opts = b.build();
    Collection<RunResult> results = new Runner(opts).run();
    System.out.println();
    System.out.println("contender / baseline, same time window (ratio per iteration; median)");
    for (RunResult r : results) {
      String group = r.getParams().getBenchmark();
      group = group.substring(group.lastIndexOf('.') + 1);
      List<Double> ratios = new ArrayList<>();
      double contender = 0;
      double baseline = 0;
      String cName = "?";
      String bName = "?";
      for (var br : r.getBenchmarkResults()) {
        for (IterationResult it : br.getIterationResults()) {
          Double c = null;
          Double base = null;
          for (Map.Entry<String, Result> e : it.getSecondaryResults().entrySet()) {
            if (e.getKey().startsWith("contender")) {
              c = e.getValue().getScore();
              cName = e.getKey();
            } else if (e.getKey().startsWith("baseline")) {
              base = e.getValue().getScore();
              bName = e.getKey();
            }
          }
          if (c != null && base != null && base > 0) {
            ratios.add(c / base);
            contender += c;
            baseline += base;
          }
        }
      }
      System.out.printf("%-20s %-24s / %-20s ratio %.2f  per iteration %s  (%.0f vs %.0f ops/s mean)%n",
          group, cName, bName, median(ratios), format(ratios),
          contender / Math.max(1, ratios.size()), baseline / Math.max(1, ratios.size()));
    }
  }

  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** Ratios as {@code [0.93 0.88 ...]}. */
  static String format(List<Double> xs) {
    StringBuilder sb = new StringBuilder("[");
    for (double x : xs) {
      sb.append(sb.length() > 1 ? " " : "").append(String.format("%.2f", x));
    }
    return sb.append(']').toString();
  }
}
