// Parses each GitHub workflow with GitHub's own parser (@actions/workflow-parser) and converts it to the workflow
// model, as the service does; prints every error as "file: message" and exits 1 when there is any.
// Usage: node --import ./register.mjs validate-workflow.mjs FILE...
import { readFileSync } from "node:fs";
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from "@actions/workflow-parser";

let failed = 0;
for (const path of process.argv.slice(2)) {
  const result = parseWorkflow({ name: path, content: readFileSync(path, "utf8") }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    for (const e of template.errors ?? []) errors.push(e.Message ?? e.message ?? JSON.stringify(e));
  } else {
    errors.push("no workflow could be parsed");
  }
  for (const e of errors) console.log(`${path}: ${e}`);
  if (errors.length > 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
