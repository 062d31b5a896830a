/**
 * `npm run fuzz -- --runs 20000 [--sweep 2] [--seed N]`: the attack of hostile-input.test.ts with as
 * many cases as asked (nightly): `--sweep` cases aimed at each target first, then `--runs` mixed
 * ones. Prints the count of cases and failures, the cases per target, and each failure with the seed
 * that makes it again. Exits 1 when anything failed.
 */
import { runFuzz } from './run';

function option(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} takes a whole number`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const runs = option('runs') ?? 2000;
  const sweep = option('sweep') ?? 2;
  const seed = option('seed');
  // The seed is chosen here, so that it is printed before the first case (a run stopped early can be repeated).
  const chosen = seed ?? Date.now() % 2 ** 31;
  console.log(`fuzzing the server with ${runs} cases (seed ${chosen})…`);
  const report = await runFuzz({
    runs,
    sweep,
    seed: chosen,
    progress: (done, failures) => console.log(`  ${done} cases, ${failures} failures`),
    failed: (failure) => console.log(`  FAILED: ${failure.problems.join('; ')}\n    case: ${failure.case}`),
  });
  console.log(`\nseed ${report.seed}: ${report.cases} cases in ${report.seconds} s, ${report.failures.length} failures`);
  console.log('HTTP statuses:', JSON.stringify(report.statuses));
  console.log('actions and socket answers:', JSON.stringify(report.outcomes));
  console.log('cases per target:');
  for (const [target, count] of Object.entries(report.perTarget).sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(6)}  ${target} (${Math.round((report.millis[target] ?? 0) / count)} ms each)`);
  if (report.missed.length) console.log(`targets no case reached: ${report.missed.join(', ')}`);
  for (const failure of report.failures.slice(0, 50)) console.log(`\nFAILED: ${failure.problems.join('; ')}\n  case: ${failure.case}`);
  if (report.failures.length > 50) console.log(`\n… and ${report.failures.length - 50} more failures`);
  process.exit(report.failures.length ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
