package dev.backlot.examples.director;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the add-on looks for one backend: a host, its usual port, the custom ports a user may run
 * it on instead, and the path that answers when it is alive.
 *
 * <pre>{@code
 * ServiceEndpoint comfy = ServiceEndpoint.of("comfyui", "127.0.0.1", 8188, "/system_stats").orPorts(8189, 8190);
 * }</pre>
 */
public record ServiceEndpoint(String service, String host, int port, List<Integer> customPorts, String healthPath) {

  public ServiceEndpoint {
    customPorts = List.copyOf(customPorts);
  }

  public static ServiceEndpoint of(String service, String host, int port, String healthPath) {
    return new ServiceEndpoint(service, host, port, List.of(), healthPath);
  }

  /** The same endpoint, also tried on these ports (in order) when the usual one does not answer. */
  public ServiceEndpoint orPorts(Integer... ports) {
    return new ServiceEndpoint(service, host, port, List.of(ports), healthPath);
  }

  /** The same endpoint on another port (a configuration change in the add-on's panel). */
  public ServiceEndpoint withPort(int newPort) {
    return new ServiceEndpoint(service, host, newPort, customPorts, healthPath);
  }

  /** The usual port first, then the custom ones. */
  public List<Integer> candidatePorts() {
    List<Integer> all = new ArrayList<>();
    all.add(port);
    for (Integer p : customPorts) {
      if (!all.contains(p)) {
        all.add(p);
      }
    }
    return all;
  }

  public URI uri(int onPort) {
    return URI.create("http://" + host + ":" + onPort);
  }
}
