// Drives Azure's own PostgreSQL Flexible Server client against a fake of Azure Resource Manager and fails (exit 1)
// on the first answer the official client cannot read, or whose long-running operation it cannot follow. Usage:
//   node azure.mjs <endpoint> <subscription> <resource group> <server> <token> <ca certificate file>
import { readFileSync } from "node:fs";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";

const [endpoint, subscription, group, server, token, caFile] = process.argv.slice(2);
const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
const client = new PostgreSQLManagementFlexibleServerClient(credential, subscription, {
  endpoint, tlsOptions: { ca: readFileSync(caFile, "utf8") }, retryOptions: { maxRetries: 4 },
});
const poll = { updateIntervalInMs: 50 };
const check = (ok, what) => { if (!ok) { console.error(`FAIL: ${what}`); process.exit(1); } console.log(`ok: ${what}`); };

const backup = await client.backupsAutomaticAndOnDemand.beginCreateAndWait(group, server, "official-client-backup", poll);
check(backup.name === "official-client-backup", "an on-demand backup is created through Azure-AsyncOperation polling");
const read = await client.backupsAutomaticAndOnDemand.get(group, server, "official-client-backup");
check(read.backupType === "Customer On-Demand" && read.completedTime instanceof Date, "the backup reads with its type and completion time");

const sourceId = `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${server}`;
const copy = await client.servers.beginCreateOrUpdateAndWait(group, "official-client-copy", {
  location: "westeurope", sku: { name: "Standard_B1ms", tier: "Burstable" }, tags: { "sluice:copy-of": server },
  createMode: "PointInTimeRestore", sourceServerResourceId: sourceId, pointInTimeUTC: new Date(),
}, poll);
check(copy.name === "official-client-copy" && copy.state === "Ready", `a point-in-time restore is followed to a Ready server (got ${copy.state})`);
check(copy.fullyQualifiedDomainName === "127.0.0.1" && copy.tags?.["sluice:copy-of"] === server, "the restored server has its address and tags");

const listed = [];
for await (const s of client.servers.listByResourceGroup(group)) listed.push(s.name);
check(listed.includes(server) && listed.includes("official-client-copy"), "servers list by resource group");

try {
  await client.servers.get(group, "no-such-server");
  check(false, "a missing server is an error");
} catch (e) {
  check(e.statusCode === 404 && e.code === "ResourceNotFound", `a missing server is ResourceNotFound with 404 (got ${e.code} ${e.statusCode})`);
}

await client.servers.beginDeleteAndWait(group, "official-client-copy", poll);
try {
  await client.servers.get(group, "official-client-copy");
  check(false, "the deleted server is gone");
} catch (e) {
  check(e.statusCode === 404, "a server delete is followed through Location polling until it is gone");
}
await client.backupsAutomaticAndOnDemand.beginDeleteAndWait(group, server, "official-client-backup", poll);
check(true, "a backup delete is followed through Location polling");
console.log("all checks passed");
