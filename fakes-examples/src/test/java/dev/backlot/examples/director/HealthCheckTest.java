package dev.backlot.examples.director;

import static dev.backlot.examples.director.HealthCheckService.HealthStatus.DEGRADED;
import static dev.backlot.examples.director.HealthCheckService.HealthStatus.HEALTHY;
import static dev.backlot.examples.director.HealthCheckService.HealthStatus.UNHEALTHY;
import static dev.backlot.journal.RequestPattern.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backlot.comfyui.ComfyUiFake;
import dev.backlot.examples.director.HealthCheckService.HealthStatus;
import dev.backlot.gradio.GradioFake;
import dev.backlot.junit.BacklotTest;
import dev.backlot.openai.OpenAiFake;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seed 001, "health checks": the HEALTHY -> DEGRADED -> UNHEALTHY state machine on real probes. */
@BacklotTest
class HealthCheckTest {

  ComfyUiFake comfy;
  OpenAiFake llm;
  GradioFake wan;
  MovieDirector director;

  @AfterEach
  void close() {
    if (director != null) {
      director.close();
    }
  }

  private MovieDirector connected() {
    director = new MovieDirector("health-test", DirectorConfig.local(comfy.port(), llm.port(), wan.port()));
    director.connect();
    return director;
  }

  @Test
  void threeFailedChecksInARowMakeABackendUnhealthyAndOneSuccessHealsIt() {
    HealthCheckService health = connected().health();
    List<HealthStatus> seen = new ArrayList<>(List.of(health.status("litellm")));
    llm.faults().on("GET", "/health/liveliness").next(3).status(503);

    for (int round = 0; round < 4; round++) {
      seen.add(health.checkNow().get("litellm").status());
    }

    assertThat(seen).containsExactly(HEALTHY, DEGRADED, DEGRADED, UNHEALTHY, HEALTHY);
    assertThat(health.history("litellm")).containsExactly(HEALTHY, DEGRADED, UNHEALTHY, HEALTHY);
    llm.journal().verify(3, get("/health/liveliness").status(503));
  }

  @Test
  void theStateMachineCountsOnlyConsecutiveFailures() {
    HealthCheckService health = new HealthCheckService(Map.of(), 3, Runnable::run);

    List<HealthStatus> seen = new ArrayList<>();
    for (boolean ok : new boolean[] {true, false, false, true, false, false, false, true}) {
      seen.add(health.record("test_service", ok, ok ? null : "http 500"));
    }

    assertThat(seen).containsExactly(HEALTHY, DEGRADED, DEGRADED, HEALTHY, DEGRADED, DEGRADED, UNHEALTHY, HEALTHY);
  }

  @Test
  void theSystemIsAsHealthyAsItsWorstBackend() {
    HealthCheckService health = connected().health();
    assertThat(health.systemHealth()).isEqualTo(HEALTHY);
    wan.faults().on("GET", "/config").status(500);

    health.checkNow();
    assertThat(health.systemHealth()).isEqualTo(DEGRADED);
    health.checkNow();
    health.checkNow();

    assertThat(health.status("wan2gp")).isEqualTo(UNHEALTHY);
    assertThat(health.status("comfyui")).isEqualTo(HEALTHY);
    assertThat(health.states().get("wan2gp").lastError()).contains("http 500");
    assertThat(health.systemHealth()).isEqualTo(UNHEALTHY);
  }
}
