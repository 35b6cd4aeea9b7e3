// Sums the JSON reports of every suite into the one line CI reads: "N passed, N failed".
// A failed step that ran no tests (build, type check, lint) counts as one failure, so a broken
// build can never print "0 failed".
import { existsSync, readFileSync } from 'node:fs';

const exitStatus = Number(process.argv[2] ?? '0');
let passed = 0;
let failed = 0;

const vitestReport = 'test-results/vitest.json';
if (existsSync(vitestReport)) {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  console.log(
    `vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`,
  );
}

const playwrightReport = 'test-results/playwright.json';
if (existsSync(playwrightReport)) {
  const { stats } = JSON.parse(readFileSync(playwrightReport, 'utf8'));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  console.log(
    `playwright: ${stats.expected + stats.flaky} passed (${stats.flaky} flaky), ${stats.unexpected} failed, ${stats.skipped} skipped`,
  );
}

if (exitStatus !== 0 && failed === 0) {
  console.log('npm test failed outside the test suites (build, type check or lint): counted as 1 failure');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitStatus === 0 && failed === 0 ? 0 : 1);
