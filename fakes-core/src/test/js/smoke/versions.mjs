// Prints the version of every installed client, proving the npm project installed and resolves.
import { readFileSync } from "node:fs";
const names = ["@gradio/client", "gradio-client-1", "@runwayml/sdk", "@google/genai",
  "@google-cloud/storage", "bullmq", "ioredis", "redis", "openai"];
const out = {};
for (const n of names) {
  const url = new URL(`../node_modules/${n}/package.json`, import.meta.url);
  out[n] = JSON.parse(readFileSync(url, "utf8")).version;
}
console.log(JSON.stringify(out));
