/**
 * The broadcast archive sample (the users' test plan "seed 002"): an archive that transcribes a
 * station's Cablecast VODs through Celery tasks on Redis, links the transcripts to their shows,
 * and pushes live updates over WebSockets. {@link dev.backlot.examples.archive.Archivist} is the
 * application; its tests (in this module's test sources) run it against Backlot's {@code
 * CablecastFake} and {@code RedisFake}, with a Celery worker written in Java on Celery's Redis
 * layout, or a real Python Celery worker when one is installed.
 */
package dev.backlot.examples.archive;
