package dev.backlot.veo;

import java.util.List;

/**
 * The output of a finished Veo job: its clips and, when responsible-AI filters dropped samples,
 * how many and why (the operation then still succeeds, with fewer videos).
 */
record Outcome(List<Clip> clips, int filteredCount, List<String> filteredReasons) {}
