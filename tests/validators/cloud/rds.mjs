// Drives the AWS SDK for JavaScript's RDS client against a fake of the RDS Query API and fails (exit 1) on the first
// answer the official client cannot read or that says something else than RDS would. Usage:
//   node rds.mjs <endpoint> <source instance> <access key> <secret key> <region>
import {
  RDSClient, CreateDBSnapshotCommand, DescribeDBSnapshotsCommand, RestoreDBInstanceFromDBSnapshotCommand,
  DescribeDBInstancesCommand, DeleteDBInstanceCommand, DeleteDBSnapshotCommand,
} from "@aws-sdk/client-rds";

const [endpoint, source, accessKeyId, secretAccessKey, region] = process.argv.slice(2);
const client = new RDSClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 5 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const check = (ok, what) => { if (!ok) { console.error(`FAIL: ${what}`); process.exit(1); } console.log(`ok: ${what}`); };
const tags = [{ Key: "sluice:plan", Value: "0001-official-client" }];

async function until(what, ask, done) {
  for (let i = 0; i < 200; i++) {
    try { const answer = await ask(); if (done(answer)) return answer; }
    catch (e) { if (!String(e.name).endsWith("NotFoundFault")) throw e; }
    await sleep(100);
  }
  check(false, `${what} within 20 s`);
}

const created = await client.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: source, DBSnapshotIdentifier: "official-client-snap", Tags: tags }));
check(created.DBSnapshot?.DBSnapshotIdentifier === "official-client-snap", "CreateDBSnapshot returns the DBSnapshot");
check(created.DBSnapshot?.SnapshotCreateTime instanceof Date, "SnapshotCreateTime is read as a timestamp");

const described = await until("the snapshot becomes available",
  () => client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: "official-client-snap" })),
  (a) => a.DBSnapshots?.[0]?.Status === "available");
check(described.DBSnapshots[0].TagList?.some((t) => t.Key === "sluice:plan" && t.Value === "0001-official-client"), "DescribeDBSnapshots lists the tags");

const restored = await client.send(new RestoreDBInstanceFromDBSnapshotCommand({
  DBInstanceIdentifier: "official-client-copy", DBSnapshotIdentifier: "official-client-snap", DBInstanceClass: "db.t4g.micro", Tags: tags,
}));
check(restored.DBInstance?.DBInstanceIdentifier === "official-client-copy", "RestoreDBInstanceFromDBSnapshot returns the DBInstance");

const ready = await until("the copy becomes available",
  () => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "official-client-copy" })),
  (a) => a.DBInstances?.[0]?.DBInstanceStatus === "available");
const copy = ready.DBInstances[0];
check(typeof copy.Endpoint?.Address === "string" && Number.isInteger(copy.Endpoint?.Port), "the copy's Endpoint has an address and a numeric port");
check(copy.VpcSecurityGroups?.[0]?.VpcSecurityGroupId === "sg-0fake" && copy.DBSubnetGroup?.DBSubnetGroupName === "fake-subnets", "security and subnet groups are read");
check(copy.MultiAZ === false && copy.InstanceCreateTime instanceof Date, "booleans and timestamps are read");

try {
  await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "no-such-instance" }));
  check(false, "a missing instance is an error");
} catch (e) {
  check(e.name === "DBInstanceNotFoundFault" && e.$metadata?.httpStatusCode === 404, `a missing instance is DBInstanceNotFoundFault with 404 (got ${e.name} ${e.$metadata?.httpStatusCode})`);
}

const deleting = await client.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: "official-client-copy", SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
check(deleting.DBInstance?.DBInstanceStatus === "deleting", "DeleteDBInstance answers 'deleting'");
const deletedSnapshot = await client.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: "official-client-snap" }));
check(deletedSnapshot.DBSnapshot?.DBSnapshotIdentifier === "official-client-snap", "DeleteDBSnapshot returns the snapshot");

try {
  await new RDSClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey: "wrong" }, maxAttempts: 1 })
    .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: "official-client-snap" }));
  check(false, "a wrong secret is refused");
} catch (e) {
  check(e.name === "SignatureDoesNotMatch" && e.$metadata?.httpStatusCode === 403, `a wrong secret is SignatureDoesNotMatch with 403 (got ${e.name})`);
}
console.log("all checks passed");
