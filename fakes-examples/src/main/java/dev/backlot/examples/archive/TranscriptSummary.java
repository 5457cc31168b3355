package dev.backlot.examples.archive;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Summarises a transcription result: its caption texts joined, cut to the first words, with the
 * word count ("Call to order. Roll call... (42 words)").
 */
public final class TranscriptSummary {

  private TranscriptSummary() {}

  /** The summary of a result with {@code captions: [{"start": ..., "text": ...}, ...]}. */
  public static String of(JsonNode result, int maxWords) {
    StringBuilder all = new StringBuilder();
    for (JsonNode c : result.path("captions")) {
      String t = c.path("text").asText("").trim();
      if (!t.isEmpty()) {
        all.append(all.length() == 0 ? "" : " ").append(t);
      }
    }
    String[] words = all.toString().isBlank() ? new String[0] : all.toString().split("\\s+");
    if (words.length == 0) {
      return "(no speech)";
    }
    int n = Math.min(maxWords, words.length);
    String head = String.join(" ", java.util.Arrays.copyOf(words, n));
    return head + (n < words.length ? "..." : "") + " (" + words.length + " words)";
  }
}
