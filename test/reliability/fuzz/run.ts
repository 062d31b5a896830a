/**
 * The attack as one property: for every case fast-check makes (an HTTP request, a socket.io event or a
 * handshake, a raw WebSocket message; judge.ts), the answer is right, the server stays up and keeps
 * serving a known-good request, the victim's data is neither shown nor changed, and the data files
 * stay valid (they parse, nothing is moved aside, and a server started again on them after the attack
 * finds nothing to move aside). Every case runs, failures are collected (not
 * stopped at), and the report says how many cases of each kind ran and which failed, with the seed
 * that makes them again.
 */
import fc from 'fast-check';
import { caseArbitraries, type Case } from './cases';
import { plausibleStrings } from './from-schema';
import { victimIds } from './hostile-values';
import { judgeHandshake, judgeHttp, judgeSocket, judgeWs, summarize } from './judge';
import { closeHttpAgent, handshake, sendHttp, SocketPool } from './send';
import { WsPool } from './send-ws';
import { enumerateTargets } from './targets';
import { startWorld, type FuzzWorld } from './world';

export interface FuzzFailure {
  case: string;
  problems: string[];
}

export interface FuzzReport {
  seed: number;
  cases: number;
  /** Cases per target (`POST /api/agents/:id/start`, `socket join`, `handshake`). */
  perTarget: Record<string, number>;
  /** Declared targets no case reached. */
  missed: string[];
  failures: FuzzFailure[];
  /** HTTP statuses answered, for the report. */
  statuses: Record<string, number>;
  /** How actions (REST and v0.9) ended, and what socket acks said: how deep the cases got. */
  outcomes: Record<string, number>;
  /** The time spent on each target's cases, in ms (where a run's time goes). */
  millis: Record<string, number>;
  seconds: number;
}

export interface FuzzOptions {
  /** Mixed cases, each aimed at any target. */
  runs: number;
  /** Cases aimed at each target in turn before the mixed ones, so that none is left out. */
  sweep?: number;
  seed?: number;
  /** Called every 500 cases with the count so far (progress for long runs). */
  progress?: (done: number, failures: number) => void;
  /** Called with each failure as it happens (a long run need not end to show one). */
  failed?: (failure: FuzzFailure) => void;
}

/** Log lines that mean the server met an error it did not expect, whatever it answered. */
const UNEXPECTED = /unexpected error|an unhandled rejection|an uncaught exception/g;

/** Deep checks (a known-good action, the victim's data) run this often; `/health` after every case. */
const DEEP_CHECK_EVERY = 100;
const ANSWER_TIMEOUT_MS = 20_000;

function targetOf(c: Case): string {
  if (c.kind === 'http') return c.target;
  if (c.kind === 'socket') return `socket ${c.event}`;
  if (c.kind === 'ws') return `ws ${c.target}`;
  return 'handshake';
}

function count(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

async function runCase(world: FuzzWorld, pool: SocketPool, wsPool: WsPool, c: Case, statuses: Record<string, number>, outcomes: Record<string, number>): Promise<string[]> {
  if (c.kind === 'http') {
    const answer = await sendHttp(world.url, c, ANSWER_TIMEOUT_MS);
    count(statuses, answer.failure ? 'no answer' : String(answer.status));
    const action = answer.status === 200 ? /^\{"status":"(success|error)"/.exec(answer.text) : null;
    if (action) count(outcomes, `action ${action[1] === 'error' ? (/"error":\{"code":"(\w+)"/.exec(answer.text)?.[1] ?? 'error') : 'success'}`);
    noteAdminWorktreeChange(world, c.credential.kind === 'bearer' || c.credential.kind === 'cookie' ? c.credential.who : undefined, answer.status < 300 && c.method !== 'GET' && c.method !== 'HEAD', `${c.path} ${c.body?.toString('utf8') ?? ''}`);
    return judgeHttp(world, c, answer);
  }
  if (c.kind === 'socket') {
    const answer = await pool.send(c, ANSWER_TIMEOUT_MS);
    const ack = answer.ack as { status?: string; error?: { code?: string } } | undefined;
    count(outcomes, `socket ${!answer.acked ? 'no ack' : (ack?.error?.code ?? ack?.status ?? 'answered')}`);
    noteAdminWorktreeChange(world, c.who, answer.acked && ack?.status !== 'error', JSON.stringify(c.args) ?? '');
    return judgeSocket(world, c, answer);
  }
  if (c.kind === 'ws') {
    const answer = await wsPool.send(c);
    const refused = answer.messages.find((m): m is { code: string } => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'error');
    count(outcomes, `ws ${answer.closed !== undefined ? `closed ${answer.closed}` : refused ? String(refused.code) : answer.messages.length ? 'answered' : 'quiet'}`);
    return judgeWs(world, c, answer);
  }
  return judgeHandshake(c, await handshake(world.url, c, ANSWER_TIMEOUT_MS));
}

/**
 * An administrator may change the victim's worktree (that is what administrators are for): a
 * successful request of theirs that names it lets the victim's worktree differ at the end.
 */
function noteAdminWorktreeChange(world: FuzzWorld, who: string | undefined, succeeded: boolean, sent: string): void {
  if (who !== 'local' || !succeeded) return;
  const name = world.victim.worktreePath.split('/').pop()!;
  let text = sent;
  try {
    text = decodeURIComponent(sent);
  } catch {
    // not all of it decodes: the raw text is searched
  }
  if (text.includes(name) || sent.includes(name)) world.adminChangedWorktrees = true;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const targets = await enumerateTargets();
  const world = await startWorld();
  victimIds.push(...world.knownIds);
  plausibleStrings.push(...world.knownIds);
  const pool = new SocketPool(world.url);
  const wsPool = new WsPool(world.url);
  const failures: FuzzFailure[] = [];
  const perTarget: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const millis: Record<string, number> = {};
  let cases = 0;
  let unexpectedSoFar = 0;

  const check = async (c: Case): Promise<void> => {
    cases++;
    perTarget[targetOf(c)] = (perTarget[targetOf(c)] ?? 0) + 1;
    const begun = Date.now();
    const problems = await runCase(world, pool, wsPool, c, statuses, outcomes).catch((error: unknown) => [`the fuzzer failed: ${(error as Error).stack}`]);
    millis[targetOf(c)] = (millis[targetOf(c)] ?? 0) + Date.now() - begun;
    const up = await world.knownGood().then((problem) => problem, () => 'the known-good check failed');
    if (up && (cases % DEEP_CHECK_EVERY === 0 || !world.server.alive())) problems.push(up);
    else {
      const health = await fetch(`${world.url}/health`).then((res) => res.status, () => 0);
      if (health !== 200) problems.push(`GET /health answered ${health} after this case`);
    }
    if (cases % DEEP_CHECK_EVERY === 0) {
      const changed = await world.victimChanged();
      if (changed) problems.push(changed);
      const broken = world.dataFilesBroken();
      if (broken) problems.push(broken);
    }
    const unexpected = world.server.output().match(UNEXPECTED)?.length ?? 0;
    if (unexpected > unexpectedSoFar) {
      problems.push(`the server logged ${unexpected - unexpectedSoFar} unexpected error(s)`);
      unexpectedSoFar = unexpected;
    }
    if (problems.length) {
      failures.push({ case: summarize(c), problems });
      options.failed?.(failures[failures.length - 1]!);
    }
    if (options.progress && cases % 500 === 0) options.progress(cases, failures.length);
    if (!world.server.alive()) throw new Error(`the server died; it said:\n${world.server.output().slice(-4000)}`);
  };

  const arbitraries = caseArbitraries(targets, world.knownIds);
  try {
    let sweepSeed = seed;
    for (const arbitrary of arbitraries.perTarget.values()) for (const c of fc.sample(arbitrary, { numRuns: options.sweep ?? 0, seed: sweepSeed++ })) await check(c);
    const details = await fc.check(
      fc.asyncProperty(arbitraries.mixed, async (c) => {
        await check(c);
        return true;
      }),
      { numRuns: options.runs, seed, endOnFailure: true },
    );
    if (details.failed) failures.push({ case: String(details.counterexample ? summarize(details.counterexample[0]) : 'none'), problems: [String(details.errorInstance ?? 'the run stopped')] });
    const end = await world.knownGood();
    if (end) failures.push({ case: 'after the last case', problems: [end] });
    const changed = await world.victimChanged();
    if (changed) failures.push({ case: 'after the last case', problems: [changed] });
  } finally {
    pool.close();
    wsPool.close();
    closeHttpAgent();
    const code = await world.close();
    if (code !== 0) failures.push({ case: 'the shutdown', problems: [`the server exited with ${code} on SIGTERM`] });
    const broken = world.dataFilesBroken() ?? (await world.restartBroken());
    if (broken) failures.push({ case: 'the data files after the attack', problems: [broken] });
    victimIds.length = 0;
    plausibleStrings.length = 0;
  }
  return { seed, cases, perTarget, missed: [...arbitraries.perTarget.keys()].filter((t) => !perTarget[t]), failures, statuses, outcomes, millis, seconds: Math.round((Date.now() - started) / 1000) };
}
