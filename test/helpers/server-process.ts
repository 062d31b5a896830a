/**
 * The server as its own operating-system process, the way `npm start` runs it (`node --import tsx
 * server/main.ts`, which installs the process-level safety net), or through a test entry script that
 * wires extra modules the same way (test/reliability/fixtures/). For what an in-process server cannot
 * show: `kill -9`, a process that must survive its plugins' stray errors, orphans.
 *
 * Every process started here is remembered; `killStartedProcesses` (afterAll) kills any a failing test
 * left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './wait';

export const PROJECT_DIR = path.join(__dirname, '../..');

export interface ServerProcess {
  proc: ChildProcess;
  pid: number;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Everything the process printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** True until the process exits. */
  alive(): boolean;
  /** `kill -9`, and waits for the exit. */
  crash(): Promise<void>;
  /** SIGTERM (a normal shutdown), and answers the exit code. */
  stop(): Promise<number | null>;
}

const started = new Map<number, ChildProcess>();

export interface ServerProcessOptions {
  /** The script to run, relative to the project (default `server/main.ts`). */
  entry?: string;
  /** Added to the environment (PORT=0 and HOST=127.0.0.1 unless given). */
  env: Record<string, string>;
  /** How long the start may take (tsx compiles the server on the first start). */
  startTimeoutMs?: number;
}

/** Starts the server process and waits until it says where it listens. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', A2UI_CLIENT_DIR: path.join(PROJECT_DIR, 'client-demo/dist'), ...options.env };
  const proc = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'server/main.ts'], { cwd: PROJECT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = proc.pid!;
  started.set(pid, proc);
  let output = '';
  let running = true;
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      running = false;
      started.delete(pid);
      resolve(code);
    }),
  );
  const url = await waitFor(
    () => {
      if (!running) throw new Error(`the server exited before it listened; it said:\n${output}`);
      return /listening on (http:\/\/\S+)/.exec(output)?.[1];
    },
    () => `the server to listen; it said:\n${output}`,
    options.startTimeoutMs ?? 60_000,
  );
  return {
    proc,
    pid,
    url,
    exited,
    output: () => output,
    alive: () => running,
    crash: async () => {
      if (running) proc.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (running) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** Kills every server process still running (for afterAll: a failed test must not leave one behind). */
export function killStartedProcesses(): void {
  for (const proc of started.values()) proc.kill('SIGKILL');
  started.clear();
}
