/**
 * A Google Cloud Storage fake: {@link dev.backlot.gcs.GcsFake}.
 *
 * <p>What it speaks, all on one loopback port:
 *
 * <ul>
 *   <li>the JSON API the official clients use: buckets (create, get, list, patch, update,
 *       delete), objects (get, patch, update, delete, list with prefix, delimiter, offsets,
 *       matchGlob, versions and pages), rewrite with its token loop, copyTo, compose (up to 32
 *       sources) and the {@code /batch/storage/v1} endpoint;
 *   <li>uploads: {@code media}, {@code multipart} and {@code resumable} (308 with {@code Range},
 *       status queries that never finalise, resends skipped, 499 on cancel);
 *   <li>downloads on {@code /download/storage/v1/...} and {@code /storage/v1/...?alt=media}
 *       with {@code Range} (206, 416) and gzip transcoding;
 *   <li>the XML API's object routes, which V2 and V4 signed URLs address, with expiry checked on
 *       the fake's clock and signatures checked against registered public keys.
 * </ul>
 *
 * <p>Generations never repeat, metagenerations count metadata changes, md5/crc32c are computed
 * once at write, and every change is checked (preconditions, checksums) before anything is
 * stored: a failed request leaves the data as it was.
 */
package dev.backlot.gcs;
