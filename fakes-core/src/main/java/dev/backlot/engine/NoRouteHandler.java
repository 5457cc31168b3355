package dev.backlot.engine;

import dev.backlot.wire.Request;
import dev.backlot.wire.Response;

/** The chain's last step: the fake's no-route answer, marked so the journal says "no route". */
final class NoRouteHandler implements Handler {

  private final FakeServer<?> fake;

  NoRouteHandler(FakeServer<?> fake) {
    this.fake = fake;
  }

  @Override
  public Response handle(Request req) {
    return fake.noRoute(req).asNoRoute();
  }
}
