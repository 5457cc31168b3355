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
 *       status queries that never finalise, resends skipped, 499 on cancel). {@code
 *       Content-Range} takes every form GCS takes: {@code bytes a-b/N}, {@code bytes a-b/*},
 *       {@code bytes a-*}{@code /N} and {@code bytes a-*}{@code /*} (the body is the rest of the
 *       object: the Node client's single-request upload, which finishes the upload), {@code bytes
 *       *}{@code /N} and {@code bytes *}{@code /*}; numbers too large for a long are a 400. A
 *       session expires a week after it started, on the fake's clock (then 404), as on GCS;
 *   <li>downloads on {@code /download/storage/v1/...} and {@code /storage/v1/...?alt=media}
 *       with {@code Range} (206, 416) and gzip transcoding;
 *   <li>the XML API's object routes, which V2 and V4 signed URLs address, with expiry checked on
 *       the fake's clock and signatures checked against registered public keys.
 * </ul>
 *
 * <p><b>Signed URLs and strict mode.</b> By default (as a bucket whose objects are public) an
 * unsigned XML-API request is served, and a signature is checked only when its signer's public
 * key is registered ({@code Builder.signer}, {@code registerSigner}, or the launcher's {@code
 * "signers"} setting with a PEM key or a service-account key file); format and expiry are always
 * checked. With {@code strictSignatures(true)} (launcher: {@code "strictSignatures": true}) the
 * XML API behaves as GCS does for private objects: unsigned requests get 403 {@code
 * AccessDenied}, and signatures from unregistered signers or HMAC keys (the fake holds no HMAC
 * secrets) get 403 {@code SignatureDoesNotMatch}. Resumable session URLs need no signature, as
 * on GCS.
 *
 * <p><b>Limits.</b> The body limit ({@code maxBodyBytes}, default 64 MiB) counts decoded bytes:
 * a {@code Content-Encoding: gzip} request body that inflates past it is refused with 413 while
 * inflating, and a stored gzip object that would inflate past it on download is served
 * compressed (with {@code Content-Encoding: gzip}) instead of being inflated in memory. A
 * resumable start allocates nothing for the length it declares; memory grows only with the
 * bytes received. A batch holds at most 100 parts; a part that is itself a batch is answered
 * 400 "Nested batch requests are not allowed." (GCS documents no nesting, so the fake refuses
 * it at the second level rather than picking a depth), and a part whose URL is malformed (a
 * bad {@code %} escape) is a 400 in its own slot while the other parts are answered.
 *
 * <p><b>Ids.</b> Upload ids, rewrite tokens and batch boundaries come from the fake's seeded
 * {@code ids()}; generations come from the fake's clock (microseconds, always increasing). With
 * one seed and a {@code ManualClock}, two runs give the same journal, byte for byte.
 *
 * <p>Generations never repeat, metagenerations count metadata changes, md5/crc32c are computed
 * once at write, and every change is checked (preconditions, checksums) before anything is
 * stored: a failed request leaves the data as it was.
 */
package dev.backlot.gcs;
