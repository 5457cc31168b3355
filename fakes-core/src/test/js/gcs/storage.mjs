// @google-cloud/storage 7.x against the GCS fake, validation on: resumable saves (one PUT with
// "bytes 0-*/*" and with "bytes 0-*/N"), a simple (multipart) save, downloads, listing, a
// precondition failure, delete. Env: GCS_URL (the fake's base URI), BUCKET.
// Prints one JSON line with what the Java test checks; exits non-zero on an unexpected failure.
import { Storage } from '@google-cloud/storage';
import { createHash } from 'node:crypto';

const storage = new Storage({
  apiEndpoint: process.env.GCS_URL,
  projectId: 'backlot-test',
  retryOptions: { autoRetry: false },
});
const bucket = storage.bucket(process.env.BUCKET);

// deterministic bytes, larger than one 256 KiB chunk
const big = Buffer.alloc(700 * 1024);
for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
const md5 = (b) => createHash('md5').update(b).digest('base64');

const out = {};

// 1. resumable, length unknown: one PUT with Content-Range "bytes 0-*/*"
await bucket.file('clips/unknown-length.bin').save(big, { resumable: true, validation: 'crc32c' });
// 2. resumable, length declared: one PUT with "bytes 0-*/N"
await bucket.file('clips/known-length.bin').save(big, {
  resumable: true,
  validation: 'md5',
  metadata: { contentLength: big.length, contentType: 'application/octet-stream' },
});
// 3. simple (multipart) save with md5 validation
await bucket.file('notes/hello.txt').save('hello from node', {
  resumable: false,
  validation: 'md5',
  contentType: 'text/plain',
});

// downloads, validated by the client against x-goog-hash
const [a] = await bucket.file('clips/unknown-length.bin').download({ validation: 'crc32c' });
const [b] = await bucket.file('clips/known-length.bin').download({ validation: 'md5' });
const [c] = await bucket.file('notes/hello.txt').download({ validation: true });
out.unknownLengthMatches = md5(a) === md5(big);
out.knownLengthMatches = md5(b) === md5(big);
out.text = c.toString('utf8');

const [meta] = await bucket.file('clips/unknown-length.bin').getMetadata();
out.size = Number(meta.size);
out.md5 = meta.md5Hash;
out.expectedMd5 = md5(big);

const [files] = await bucket.getFiles({ prefix: 'clips/' });
out.listed = files.map((f) => f.name).sort();

// a precondition failure is surfaced as the client's error, with GCS's 412
async function code(p) {
  try {
    await p;
    return 0;
  } catch (e) {
    return e.code ?? e.response?.status ?? -1;
  }
}
out.simplePrecondition = await code(bucket.file('notes/hello.txt').save('overwrite?', {
  resumable: false,
  preconditionOpts: { ifGenerationMatch: 0 },
}));
out.resumablePrecondition = await code(bucket.file('notes/hello.txt').save(big, {
  resumable: true,
  preconditionOpts: { ifGenerationMatch: 0 },
}));
const [still] = await bucket.file('notes/hello.txt').download();
out.unchangedAfterFailures = still.toString('utf8');

await bucket.file('notes/hello.txt').delete();
const [exists] = await bucket.file('notes/hello.txt').exists();
out.existsAfterDelete = exists;
out.deleteMissing = await code(bucket.file('notes/hello.txt').delete());

console.log(JSON.stringify(out));
