/**
 * The JUnit 5 extension for Backlot fakes: declare a field of a fake type and it is started for
 * the class, reset before every test, closed after the last one, and printed when a test fails.
 *
 * <pre>{@code
 * @BacklotTest
 * class ForecastClientTest {
 *   HttpFake weather;                                  // started on a random port, reset before each test
 *
 *   @Test
 *   void retriesA503() throws Exception {
 *     weather.stub("GET", "/v1/forecast")
 *         .respond(Response.status(503), Response.json(200, Map.of("city", "Oslo", "summary", "snow")));
 *
 *     var client = new ForecastClient(weather.baseUri());
 *
 *     assertThat(client.forecast("Oslo").summary()).isEqualTo("snow");
 *     weather.journal().verify(2, RequestPattern.get("/v1/forecast"));
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.backlot.junit.BacklotTest}: the annotation; lifecycle, strict mode, JSON reports.
 *   <li>{@link dev.backlot.junit.FakeConfig}: port, manual clock, seed or lifecycle of one fake.
 *   <li>{@link dev.backlot.junit.FakeFactory}: a method making fakes an annotation cannot describe.
 *   <li>{@link dev.backlot.junit.BacklotExtension}: {@code @RegisterExtension} form.
 *   <li>{@link dev.backlot.junit.FakeTraffic}: the traffic report attached to a failed test.
 * </ul>
 */
package dev.backlot.junit;
