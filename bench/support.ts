/**
 * What the benchmarks share: servers started in child processes (so a server and the load that drives
 * it do not share an event loop) and percentiles of sorted samples.
 */
import { fork, type ChildProcess } from 'node:child_process';

/**
 * Starts a TypeScript entry in a child process and resolves once it says it listens: its port (the
 * pattern's first group) and the whole match (for entries that print more than one port).
 */
export function launch(entry: string, env: NodeJS.ProcessEnv, readyPattern: RegExp): Promise<{ child: ChildProcess; port: number; match: RegExpExecArray }> {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server process there (open it in DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = fork(entry, [], { execArgv: ['--import', 'tsx', ...profile], env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = readyPattern.exec(out);
      if (found) resolve({ child, port: Number(found[1]), match: found });
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before listening:\n${out}`)));
  });
}

/** What a server entry prints once it listens (its port is the first group). */
export const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/** The summed CPU time (µs) of server processes started from bench/live-server.ts (each answers `cpu` on IPC). */
export async function serverCpuMicros(children: ChildProcess[]): Promise<number> {
  const each = await Promise.all(
    children.map(
      (child) =>
        new Promise<number>((resolve) => {
          child.once('message', (message: { cpuMicros: number }) => resolve(message.cpuMicros));
          child.send('cpu');
        }),
    ),
  );
  return each.reduce((sum, micros) => sum + micros, 0);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
