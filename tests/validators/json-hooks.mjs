// @actions/workflow-parser imports its JSON schema without an import attribute, which Node 20 rejects;
// this loader hook reads such JSON modules itself.
import { readFile } from "node:fs/promises";

export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) return { format: "json", source: await readFile(new URL(url)), shortCircuit: true };
  return nextLoad(url, context);
}
