package dev.backlot.engine;

import dev.backlot.wire.Request;
import dev.backlot.wire.Response;

/** The chain's route step: the fake's own route for the request; else the next step answers. */
final class RoutesHandler implements Handler {

  private final Routes routes;
  private final Handler next;

  RoutesHandler(Routes routes, Handler next) {
    this.routes = routes;
    this.next = next;
  }

  @Override
  public Response handle(Request req) throws Exception {
    Routes.Match m = routes.find(req.method(), req.rawPath(), false);
    if (m == null) {
      return next.handle(req);
    }
    return m.route().handler().handle(req.withPathParams(m.params()));
  }
}
