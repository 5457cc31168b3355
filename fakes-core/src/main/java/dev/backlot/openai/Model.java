package dev.backlot.openai;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model the {@link OpenAiFake} serves, as an entry of LiteLLM's {@code model_list}: its name,
 * who owns it (as {@code GET /v1/models} reports), and optional limits. Immutable; each setter
 * returns a copy.
 *
 * <pre>{@code
 * OpenAiFake.builder()
 *     .model(Model.of("gpt-4o-mini").contextWindow(8_192))
 *     .model(Model.of("text-embedding-3-small").dimensions(256))
 *     .model(Model.of("openai/*"))   // a LiteLLM wildcard: any model name starting "openai/"
 *     .start();
 * }</pre>
 */
public final class Model {

  /** LiteLLM's {@code DEFAULT_MODEL_CREATED_AT_TIME}, the {@code created} of every listed model. */
  public static final long DEFAULT_CREATED = 1677610602L;

  private final String id;
  private final String ownedBy;
  private final Integer contextWindow;
  private final int dimensions;
  private final Pattern wildcard;

  private Model(String id, String ownedBy, Integer contextWindow, int dimensions) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("a model needs a name");
    }
    if (contextWindow != null && contextWindow < 1) {
      throw new IllegalArgumentException("context window must be positive: " + contextWindow);
    }
    if (dimensions < 1) {
      throw new IllegalArgumentException("embedding dimensions must be positive: " + dimensions);
    }
    this.id = id;
    this.ownedBy = Objects.requireNonNull(ownedBy, "ownedBy");
    this.contextWindow = contextWindow;
    this.dimensions = dimensions;
    this.wildcard = id.contains("*") ? globToRegex(id) : null;
  }

  /**
   * A model named {@code id}, owned by "openai", with no context-window limit and embeddings of
   * 1536 dimensions (3072 for names containing {@code text-embedding-3-large}). A {@code *} in the
   * name is a wildcard, as in LiteLLM's {@code model_name: "*"}.
   */
  public static Model of(String id) {
    int dims = id != null && id.contains("text-embedding-3-large") ? 3072 : 1536;
    return new Model(id, "openai", null, dims);
  }

  /** The {@code owned_by} that {@code GET /v1/models} reports. */
  public Model ownedBy(String owner) {
    return new Model(id, owner, contextWindow, dimensions);
  }

  /**
   * Prompts counted above {@code tokens} (see {@link OpenAiFake#countTokens}) get LiteLLM's 400
   * {@code ContextWindowExceededError}.
   */
  public Model contextWindow(int tokens) {
    return new Model(id, ownedBy, tokens, dimensions);
  }

  /** The length of this model's embedding vectors when a request does not ask for {@code dimensions}. */
  public Model dimensions(int dimensions) {
    return new Model(id, ownedBy, contextWindow, dimensions);
  }

  public String id() {
    return id;
  }

  public String ownedBy() {
    return ownedBy;
  }

  /** The context window in tokens, or null for no limit. */
  public Integer contextWindow() {
    return contextWindow;
  }

  public int dimensions() {
    return dimensions;
  }

  /** Whether a request for {@code name} is served by this model (exact name, or the wildcard). */
  public boolean serves(String name) {
    return wildcard == null ? id.equals(name) : wildcard.matcher(name).matches();
  }


  private static Pattern globToRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    int from = 0;
    int star;
    while ((star = glob.indexOf('*', from)) >= 0) {
      sb.append(Pattern.quote(glob.substring(from, star))).append(".*");
      from = star + 1;
    }
    sb.append(Pattern.quote(glob.substring(from)));
    return Pattern.compile(sb.toString());
  }

  @Override
  public String toString() {
    return id;
  }
}
