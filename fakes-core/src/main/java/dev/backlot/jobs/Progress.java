package dev.backlot.jobs;

/**
 * How far a job has come: {@code value} out of {@code max} (a ComfyUI sampler's step 7 of 20).
 * A job's progress never goes backwards; an attempt to move it back is refused and recorded as a
 * {@link Violation}.
 *
 * <pre>{@code
 * Progress p = job.progress(); // e.g. 7/20
 * double runwayProgress = p.fraction(); // 0.35
 * }</pre>
 *
 * @param value steps done, {@code 0 <= value <= max}
 * @param max steps in all ({@code 0} for a job scripted without progress steps)
 */
public record Progress(int value, int max) {

  /** Checks {@code 0 <= value <= max}. */
  public Progress {
    if (max < 0 || value < 0 || value > max) {
      throw new IllegalArgumentException("progress must satisfy 0 <= value <= max: " + value + "/" + max);
    }
  }

  /** {@code value / max}, or 0 when {@code max} is 0. */
  public double fraction() {
    return max == 0 ? 0.0 : (double) value / max;
  }

  /**
   * Whether moving from this progress to {@code next} would go backwards, comparing fractions
   * exactly (so 10/20 to 1/2 is not backwards; a 0/0 progress counts as 0).
   */
  public boolean wouldGoBackTo(Progress next) {
    if (max == 0) {
      return false;
    }
    if (next.max == 0) {
      return value > 0;
    }
    return (long) value * next.max > (long) next.value * max;
  }

  @Override
  public String toString() {
    return value + "/" + max;
  }
}
