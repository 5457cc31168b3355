package dev.backlot.openai;

import java.util.List;

/**
 * A LiteLLM virtual key the {@link OpenAiFake} accepts, with the limits LiteLLM enforces per key.
 * Once any key is configured (this or a master key), every LLM route needs one: a missing key or
 * an unknown one gets LiteLLM's 401 body.
 *
 * <pre>{@code
 * OpenAiFake.builder()
 *     .masterKey("sk-master")
 *     .key(ApiKey.of("sk-team-a").models("gpt-4o-mini").rpmLimit(2))
 *     .start();
 * }</pre>
 */
public final class ApiKey {

  private final String key;
  private final List<String> models;
  private final Integer rpmLimit;

  private ApiKey(String key, List<String> models, Integer rpmLimit) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("an API key cannot be empty");
    }
    if (rpmLimit != null && rpmLimit < 0) {
      throw new IllegalArgumentException("rpm limit cannot be negative: " + rpmLimit);
    }
    this.key = key;
    this.models = List.copyOf(models);
    this.rpmLimit = rpmLimit;
  }

  /** A key with access to every model and no rate limit. */
  public static ApiKey of(String key) {
    return new ApiKey(key, List.of(), null);
  }

  /**
   * Restricts the key to these model names; a call for another model gets LiteLLM's 401
   * {@code key_model_access_denied}.
   */
  public ApiKey models(String... allowed) {
    return new ApiKey(key, List.of(allowed), rpmLimit);
  }

  /**
   * Requests per minute (a window that starts with the first request, on the fake's clock); the
   * request over the limit gets LiteLLM's 429 with {@code retry-after: 60}.
   */
  public ApiKey rpmLimit(int requestsPerMinute) {
    return new ApiKey(key, models, requestsPerMinute);
  }

  public String key() {
    return key;
  }

  /** The models this key may call; empty means all. */
  public List<String> models() {
    return models;
  }

  /** Requests per minute, or null for no limit. */
  public Integer rpmLimit() {
    return rpmLimit;
  }

  @Override
  public String toString() {
    return "ApiKey[" + (key.length() > 6 ? key.substring(0, 3) + "..." + key.substring(key.length() - 4) : "***") + "]";
  }
}
