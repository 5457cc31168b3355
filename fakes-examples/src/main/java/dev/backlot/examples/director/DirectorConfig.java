package dev.backlot.examples.director;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The add-on's connectivity settings (its preferences panel): where each backend lives, how long
 * to wait, how many connections to keep.
 *
 * <pre>{@code
 * DirectorConfig config = DirectorConfig.local(8188, 4000, 7860).withPoolSize("litellm", 8);
 * }</pre>
 */
public record DirectorConfig(
    List<ServiceEndpoint> endpoints,
    Duration discoveryTimeout,
    Duration requestTimeout,
    int attempts,
    Map<String, Integer> poolSizes,
    Duration acquireTimeout,
    int unhealthyAfter,
    String llmModel,
    String llmApiKey,
    ComfyUiClient.Settings comfyUi) {

  public static final String COMFYUI = "comfyui";
  public static final String LITELLM = "litellm";
  public static final String WAN2GP = "wan2gp";

  public DirectorConfig {
    endpoints = List.copyOf(endpoints);
    poolSizes = Map.copyOf(poolSizes);
  }

  /** The three backends on localhost at these ports, with the add-on's defaults. */
  public static DirectorConfig local(int comfyUiPort, int litellmPort, int wan2gpPort) {
    return new DirectorConfig(
        List.of(
            ServiceEndpoint.of(COMFYUI, "127.0.0.1", comfyUiPort, "/system_stats"),
            ServiceEndpoint.of(LITELLM, "127.0.0.1", litellmPort, "/health/liveliness"),
            ServiceEndpoint.of(WAN2GP, "127.0.0.1", wan2gpPort, "/config")),
        Duration.ofSeconds(2), Duration.ofSeconds(10), 3,
        Map.of(COMFYUI, 2, LITELLM, 4, WAN2GP, 1), Duration.ofSeconds(10), 3,
        "gpt-4o-mini", "sk-director", ComfyUiClient.Settings.defaults());
  }

  public ServiceEndpoint endpoint(String service) {
    return endpoints.stream().filter(e -> e.service().equals(service)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no such service: " + service));
  }

  /** The same settings with {@code service}'s endpoint replaced. */
  public DirectorConfig withEndpoint(ServiceEndpoint changed) {
    List<ServiceEndpoint> list = new ArrayList<>();
    for (ServiceEndpoint e : endpoints) {
      list.add(e.service().equals(changed.service()) ? changed : e);
    }
    return new DirectorConfig(list, discoveryTimeout, requestTimeout, attempts, poolSizes, acquireTimeout,
        unhealthyAfter, llmModel, llmApiKey, comfyUi);
  }

  public DirectorConfig withPoolSize(String service, int size) {
    Map<String, Integer> sizes = new java.util.HashMap<>(poolSizes);
    sizes.put(service, size);
    return new DirectorConfig(endpoints, discoveryTimeout, requestTimeout, attempts, sizes, acquireTimeout,
        unhealthyAfter, llmModel, llmApiKey, comfyUi);
  }

  public DirectorConfig withTimeouts(Duration discovery, Duration request, int attemptsPerCall) {
    ComfyUiClient.Settings c = comfyUi;
    ComfyUiClient.Settings comfy = new ComfyUiClient.Settings(request, attemptsPerCall, c.backoffStart(),
        c.backoffMax(), c.maxQueued());
    return new DirectorConfig(endpoints, discovery, request, attemptsPerCall, poolSizes, acquireTimeout,
        unhealthyAfter, llmModel, llmApiKey, comfy);
  }

  public DirectorConfig withAcquireTimeout(Duration d) {
    return new DirectorConfig(endpoints, discoveryTimeout, requestTimeout, attempts, poolSizes, d,
        unhealthyAfter, llmModel, llmApiKey, comfyUi);
  }

  public int poolSize(String service) {
    return poolSizes.getOrDefault(service, 2);
  }
}
