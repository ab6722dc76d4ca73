// Reads the checks.json files of one official-conformance run and compares the FAILUREs
// with the expected-failures file. Prints a summary; exits 1 on an unexpected failure, on a
// stale expectation (listed but passing), or when nothing was checked at all.
//
// Usage: node check-results.cjs RESULTS_DIR LINE CLI_EXIT_CODE EXPECTED_FILE YAML_MODULE_DIR
const fs = require('fs');
const path = require('path');
const [dir, line, cliRc, expectedFile, yamlDir] = process.argv.slice(2);
const YAML = require(path.join(yamlDir, 'yaml'));

const expected = new Map(); // "scenario/check" -> reason
if (fs.existsSync(expectedFile)) {
  const doc = YAML.parse(fs.readFileSync(expectedFile, 'utf8')) || {};
  for (const e of doc.expected_failures || []) {
    if (e.line !== line) continue;
    if (!e.reason) {
      console.error(`expected failure ${e.scenario}/${e.check} has no reason`);
      process.exit(1);
    }
    expected.set(`${e.scenario}/${e.check}`, e.reason);
  }
}

const counts = { SUCCESS: 0, FAILURE: 0, WARNING: 0, SKIPPED: 0, INFO: 0 };
const failures = new Set();
let scenarios = 0;
for (const run of fs.readdirSync(dir).sort()) {
  const file = path.join(dir, run, 'checks.json');
  if (!fs.existsSync(file)) continue;
  const m = /^server-(.*)-\d{4}-\d{2}-\d{2}T/.exec(run);
  const scenario = m ? m[1] : run;
  scenarios++;
  for (const c of JSON.parse(fs.readFileSync(file, 'utf8'))) {
    counts[c.status] = (counts[c.status] || 0) + 1;
    if (c.status === 'FAILURE') failures.add(`${scenario}/${c.id}`);
    if (c.status === 'WARNING') console.log(`  warning ${scenario}/${c.id}: ${c.errorMessage || ''}`);
  }
}

let bad = 0;
for (const f of failures) {
  if (expected.has(f)) {
    console.log(`  expected failure ${f} (${expected.get(f)})`);
  } else {
    console.log(`  UNEXPECTED FAILURE ${f}`);
    bad++;
  }
}
for (const [f] of expected) {
  if (!failures.has(f)) {
    console.log(`  STALE expectation ${f}: it passes now; remove it from ${expectedFile}`);
    bad++;
  }
}
if (counts.SUCCESS === 0) {
  console.log('  nothing passed: the run did not check anything');
  bad++;
}
if (cliRc !== '0' && failures.size === 0) {
  console.log(`  the CLI exited ${cliRc} without a FAILURE in checks.json`);
  bad++;
}
console.log(
  `${line}: ${scenarios} scenarios, ${counts.SUCCESS} passed, ${counts.FAILURE} failed ` +
    `(${failures.size - [...failures].filter((f) => !expected.has(f)).length} expected), ` +
    `${counts.WARNING} warnings, ${counts.SKIPPED} skipped`
);
process.exit(bad ? 1 : 0);
