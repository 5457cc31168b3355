/**
 * A Tightrope Cablecast fake: {@link dev.backlot.cablecast.CablecastFake}.
 *
 * <p>What it speaks, under {@code /cablecastapi/v1} (any case, as on IIS):
 *
 * <ul>
 *   <li>reads, anonymous: {@code shows} (with {@code reels}), {@code reels}, {@code vods} (with
 *       their {@code show}), {@code vodtransactions}, {@code vodconfigurations}, {@code
 *       channels}, {@code locations}, {@code scheduleitems}, {@code categories}, {@code
 *       producers}, {@code projects}; one record as {@code {"show": {...}}}, lists as {@code
 *       {"shows": [...], "meta": {"count", "pageSize", "offset"}}}; integer ids; links as ids
 *       or id arrays;
 *   <li>list queries: {@code ids[]=} (and {@code ids=}), {@code search=} (titles, names,
 *       comments), one filter per link field ({@code show=}, {@code channel=}, {@code
 *       location=}, {@code category=}...), on schedule items {@code start=}/{@code end=}
 *       (inclusive, on {@code runDateTime}) and {@code include_cg_exempt=false}, {@code
 *       page_size} (default 50, {@code -1} for all) and {@code offset}; {@code include=}
 *       sideloads under plural keys ({@link dev.backlot.cablecast.Render});
 *   <li>writes behind HTTP Basic auth (default {@code admin}/{@code admin}): POST, PUT and
 *       DELETE on {@code shows}, {@code reels}, {@code scheduleitems} and {@code vods}, bodies
 *       under the singular root; a new VOD transcodes on the fake's {@link
 *       dev.backlot.jobs.JobEngine} (Queued, Transcoding, Ready, with VOD transactions; Ready is
 *       {@code transactionType} 5), and is then served at its {@code url};
 *   <li>chunked uploads: {@code POST /fileuploads}, {@code POST /fileuploads/{id}/upload}
 *       (multipart {@code segment} + {@code file}), {@code PUT /fileuploads/{id}} with state 2,
 *       then states 3, 4, 5 with an {@code asset} id ({@code GET /assets/{id}}); 6 after 4 idle
 *       hours ({@link dev.backlot.cablecast.CablecastStates}).
 * </ul>
 *
 * <p>The default library (a bare launcher serves it): one location, three channels, four
 * categories, three producers, two projects, one VOD configuration, twelve shows with one to
 * three reels each ({@code totalRunTime} is their sum), seven Ready VODs linked both ways
 * ({@code vod.show}, {@code show.vods}), and a week of schedule items from midnight today on the
 * fake's clock (every channel, every two hours from 06:00 to 22:00). Ids come from the fake's
 * seeded {@code ids()} and restart on reset.
 *
 * <p>Where it differs from, or guesses at, a real Cablecast (no public spec was found; see
 * {@code shared/protocols/gcs-video-cablecast-jobs.md} section 3):
 *
 * <ul>
 *   <li>errors are ASP.NET Web API 2's camel-cased JSON: {@code {"message": "..."}}, with
 *       {@code "modelState": {"show.title": ["..."]}} for rejected input (400). A non-JSON
 *       {@code Content-Type} is 415, malformed JSON, a missing root, a wrong type, an unknown
 *       field or a link to a missing record is 400, an unknown id is 404, an unknown path is
 *       404 "No HTTP resource was found...", a method a resource lacks is 405, a write without
 *       or with wrong credentials is 401 with {@code WWW-Authenticate: Basic}. Real Json.NET
 *       ignores unknown members and converts {@code "5"} to 5; the fake refuses both, so that
 *       a client's typo shows up in tests. Nothing is stored when a request is refused;
 *   <li>{@code offset} is read as a 0-based page index (Tightrope's public site passes
 *       {@code page - 1}); {@code page_size} 0, below -1 or not a number, and a negative or
 *       non-numeric {@code offset}, are 400; an offset past the end is an empty page;
 *       with {@code page_size=-1}, {@code meta.pageSize} is the count;
 *   <li>the default order is by id, schedule items by {@code runDateTime} then id; a bare
 *       date in {@code start}/{@code end} means its midnight in the station's zone (UTC
 *       unless the builder says otherwise);
 *   <li>POST and PUT answer 200 with the record, DELETE 204; PUT changes only the fields
 *       sent; read-only fields ({@code id}, {@code reels}, {@code vods}, {@code lastModified},
 *       {@code totalRunTime}...) are accepted and ignored; deleting a show deletes its reels,
 *       VODs and schedule items;
 *   <li>VOD transaction types other than 5 (1 Queued, 2 Transcoding, 6 Failed) and the
 *       {@code vodState}/{@code percentComplete} fields are the fake's own; web files,
 *       thumbnails, chapters, media, formats, devices, show fields, live streams, autopilot
 *       and the advanced show search are not modelled ({@code include=webfile} and the like
 *       give empty lists).
 * </ul>
 */
package dev.backlot.cablecast;
