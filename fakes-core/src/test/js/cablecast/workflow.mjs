// A broadcast archive's Cablecast workflow with Node's own fetch, FormData and Blob (undici):
// look up a location, VOD configuration and channel; create a show, its reel, a VOD and a
// schedule item; upload a file in segments as multipart form data; poll the upload and the VOD
// until the server finishes them. Settings: CABLECAST_URL, CABLECAST_USER, CABLECAST_PASSWORD.
// Prints one JSON line with what it saw; exits non-zero on any failure.

const base = process.env.CABLECAST_URL + '/cablecastapi/v1';
const auth = 'Basic ' + Buffer.from(`${process.env.CABLECAST_USER}:${process.env.CABLECAST_PASSWORD}`).toString('base64');

async function call(path, method = 'GET', body, withAuth = true) {
  const headers = { Accept: 'application/json' };
  if (withAuth) headers.Authorization = auth;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

async function must(path, method, body) {
  const r = await call(path, method, body);
  if (r.status !== 200) throw new Error(`${method ?? 'GET'} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

async function poll(path, done, limitMs = 60000) {
  const seen = [];
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    const body = await must(path);
    const value = done(body);
    if (seen[seen.length - 1] !== value.state) seen.push(value.state);
    if (value.finished) return seen;
    await sleep(25);
  }
  throw new Error(`${path} did not finish; saw ${seen}`);
}

const out = {};
const location = (await must('/locations')).locations[0];
const config = (await must('/vodconfigurations')).vodConfigurations.find((v) => v.location === location.id);
const channel = (await must('/channels')).channels[0];

const denied = await call('/shows', 'POST', { show: { title: 'no auth' } }, false);
out.deniedStatus = denied.status;
out.deniedMessage = denied.body.message;

const show = (await must('/shows', 'POST', { show: {
  title: 'Planning Board - node', cgTitle: 'Planning Board', cgExempt: false, comments: 'from node',
  location: location.id, eventDate: new Date(Date.UTC(2026, 11, 1, 19)).toISOString(),
} })).show;
await must('/reels', 'POST', { reel: { show: show.id, reelNumber: 1, cue: 0, length: 3600 } });
const vod = (await must('/vods', 'POST', { vod: { show: show.id, vodConfiguration: config.id } })).vod;
const item = (await must('/scheduleitems', 'POST', { scheduleItem: {
  idType: 1, filler: false, deleted: false, show: show.id, channel: channel.id,
  runDateTime: new Date(Date.UTC(2026, 11, 5, 20, 30)).toISOString(),
} })).scheduleItem;
out.showId = show.id;
out.vodId = vod.id;
out.scheduleItemId = item.id;

const size = 12000;
const chunk = 5000;
const bytes = new Uint8Array(size);
for (let i = 0; i < size; i++) bytes[i] = i % 251;
const totalSegments = Math.ceil(size / chunk);
const upload = (await must('/fileuploads', 'POST', { fileUpload: {
  fileName: 'planning-board.mp4', destinationStore: 11, totalSegments, size,
} })).fileUpload;
for (let segment = 0; segment < totalSegments; segment++) {
  const form = new FormData();
  form.append('segment', segment.toString());
  form.append('file', new Blob([bytes.subarray(segment * chunk, Math.min(size, (segment + 1) * chunk))]), 'planning-board.mp4');
  const r = await fetch(`${base}/fileuploads/${upload.id}/upload`, { method: 'POST', headers: { Authorization: auth }, body: form });
  if (!r.ok) throw new Error(`segment ${segment}: ${r.status} ${await r.text()}`);
}
await must(`/fileuploads/${upload.id}`, 'PUT', { fileUpload: { state: 2 } });
out.uploadStates = await poll(`/fileuploads/${upload.id}`, (b) => ({
  state: b.fileUpload.state, finished: [0, 5, 6].includes(b.fileUpload.state),
}));
out.asset = (await must(`/fileuploads/${upload.id}`)).fileUpload.asset;
out.assetSize = (await must(`/assets/${out.asset}`)).asset.size;

out.vodStates = await poll(`/vods/${vod.id}`, (b) => ({
  state: b.vod.vodState, finished: ['Ready', 'Failed'].includes(b.vod.vodState),
}));
const ready = (await must(`/vods/${vod.id}`)).vod;
out.lastTransactionType = (await must(`/vodtransactions/${ready.lastTransaction}`)).vodTransaction.transactionType;
const video = await fetch(ready.url);
const head = new Uint8Array(await video.arrayBuffer()).subarray(4, 8);
out.videoBox = String.fromCharCode(...head);

const doc = await must(`/shows?ids[]=${show.id}&include=reel,vod`);
out.totalRunTime = doc.shows[0].totalRunTime;
out.sideloadedReels = doc.reels.length;
out.sideloadedVodIsWatchable = doc.vods[0].isWatchable;
out.meta = doc.meta;
console.log(JSON.stringify(out));
