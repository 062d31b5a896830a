/**
 * One agent OS process: spawned without a shell, detached into its own process group, with pipes for
 * stdin/stdout/stderr. stdout is split into lines (a partial line waits for its end), the stderr tail is
 * kept, and a stop escalates a few seconds apart: the stream-json interrupt (and end of input), then
 * SIGINT, SIGTERM and SIGKILL to the whole process group, so tools the agent started die with it.
 *
 * The group outlives its leader when a tool traps signals or the leader exits first: once the leader
 * has exited, what is left of the group gets a moment, then SIGKILL, and `done` waits until nothing of
 * the group runs any more. So a stop or a server shutdown never leaves a process of an agent behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import type { AgentProtocol } from './definitions';
import { groupGone, signalGroup } from './os-process';
import { LineSplitter, interruptRequest } from './stream-json';

export interface ProcessSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  protocol: AgentProtocol;
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  stderrTail: string[];
  /** Set when the process ended after `stop`: the last escalation step sent. */
  stoppedBy?: string;
}

export interface ProcessCallbacks {
  onSpawn(pid: number): void;
  onLine(line: string): void;
  /** The process could not be started (a missing command, a missing directory). */
  onSpawnError(message: string): void;
  /** Called once, after the process ended and its output was read to the end. */
  onExit(exit: ProcessExit): void;
}

const STDERR_TAIL_LINES = 20;
const STDERR_LINE_CHARS = 500;
/** After the leader exits, how long the rest of its group may run (and keep our pipes open) before it is killed. */
const PIPE_DRAIN_MS = 1000;
/** After SIGKILL, how long we wait for the group to disappear. */
const AFTER_KILL_MS = 5000;

export class AgentProcess {
  private readonly child: ChildProcess;
  private readonly stdout = new LineSplitter();
  private readonly stderr = new LineSplitter();
  private readonly stderrTail: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private stoppedBy: string | undefined;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private finished = false;
  /** Resolves when the process ended, `onExit` ran, and nothing of its process group runs any more. */
  readonly done: Promise<void>;

  constructor(
    private readonly spec: ProcessSpec,
    private readonly callbacks: ProcessCallbacks,
  ) {
    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    let resolveReaped!: () => void;
    const reaped = new Promise<void>((resolve) => (resolveReaped = resolve));
    this.done = Promise.all([closed, reaped]).then(() => undefined);
    // An argument array and shell: false: nothing the agent or the user typed is ever parsed by a shell.
    this.child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: spec.env, detached: true, shell: false, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      for (const line of this.stdout.push(chunk)) callbacks.onLine(line);
    });
    this.child.stderr!.on('data', (chunk: string) => {
      for (const line of this.stderr.push(chunk)) this.keepStderr(line);
    });
    // Writing to a process that just died fails with EPIPE: the exit tells the story, not this.
    this.child.stdin!.on('error', () => undefined);
    this.child.once('spawn', () => callbacks.onSpawn(this.child.pid!));
    // `on`, not `once`: a second 'error' without a listener would be thrown and take the server down.
    this.child.on('error', (error) => {
      if (this.child.pid === undefined) {
        callbacks.onSpawnError(describeSpawnError(error));
        resolveReaped(); // no process, no group
      }
    });
    this.child.once('exit', (code, signal) => {
      this.exitInfo = { code, signal };
      void this.reapGroup(closed).finally(resolveReaped);
    });
    this.child.once('close', (code, signal) => {
      this.finish(this.exitInfo ?? { code, signal });
      resolveClosed();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitInfo !== undefined || this.finished;
  }

  /** Writes to the process's stdin; false when its input is closed. */
  write(text: string): boolean {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(text);
    return true;
  }

  /**
   * The graceful-then-forceful stop: stream-json agents get the interrupt control request and the end
   * of their input (a Claude Code turn stops and the process exits cleanly); plain commands start at
   * SIGINT. Each further step comes `graceMs` later if the process is still there. Not `graceful`:
   * SIGKILL to the whole group at once (the agent server's `graceful: false`).
   */
  stop(graceMs: number, options: { graceful?: boolean } = {}): void {
    if (this.stopping || this.exited) return;
    this.stopping = true;
    const steps: Array<() => void> = [];
    if (options.graceful === false) {
      this.stoppedBy = 'SIGKILL';
      this.child.stdin?.end();
      this.signalGroup('SIGKILL');
      return;
    }
    if (this.spec.protocol === 'stream-json') {
      steps.push(() => {
        this.stoppedBy = 'interrupt';
        this.write(interruptRequest(`stop-${crypto.randomBytes(4).toString('hex')}`));
        this.child.stdin?.end();
      });
    }
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
      steps.push(() => {
        this.stoppedBy = signal;
        if (signal === 'SIGINT') this.child.stdin?.end();
        this.signalGroup(signal);
      });
    }
    const run = (index: number) => {
      if (this.exited || index >= steps.length) return;
      steps[index]!();
      this.later(graceMs, () => run(index + 1));
    };
    run(0);
  }

  /** Server shutdown: end of input and SIGTERM now, SIGKILL after `graceMs`; resolves when it is gone. */
  shutdown(graceMs: number): Promise<void> {
    if (!this.exited) {
      this.child.stdin?.end();
      this.signalGroup('SIGTERM');
      this.later(graceMs, () => this.signalGroup('SIGKILL'));
    }
    return this.done;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    // The whole process group the detached child leads.
    if (this.child.pid !== undefined) signalGroup(this.child.pid, signal);
  }

  /**
   * After the leader exited: what is left of its group (a tool that traps SIGTERM, a grandchild that
   * keeps our pipes open) gets PIPE_DRAIN_MS, then SIGKILL; pipes still open then are closed, so
   * `close` comes. Resolves when nothing of the group runs.
   */
  private async reapGroup(closed: Promise<void>): Promise<void> {
    const pgid = this.child.pid;
    if (pgid === undefined) return;
    const drainEnds = Date.now() + PIPE_DRAIN_MS;
    const gone = await groupGone(pgid, PIPE_DRAIN_MS);
    if (!gone) signalGroup(pgid, 'SIGKILL');
    // The output already written is still read, until the drain time is over.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, drainEnds - Date.now()))))]);
    clearTimeout(timer);
    if (!this.finished) {
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
    }
    if (!gone) await groupGone(pgid, AFTER_KILL_MS);
  }

  private keepStderr(line: string): void {
    if (line === '') return;
    this.stderrTail.push(line.length > STDERR_LINE_CHARS ? `${line.slice(0, STDERR_LINE_CHARS)}…` : line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private finish(exit: { code: number | null; signal: string | null }): void {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const line of this.stdout.flush()) this.callbacks.onLine(line);
    for (const line of this.stderr.flush()) this.keepStderr(line);
    this.callbacks.onExit({ ...exit, stderrTail: [...this.stderrTail], ...(this.stoppedBy ? { stoppedBy: this.stoppedBy } : {}) });
  }
}

/**
 * Why a spawn failed, in words a user can act on. Not node's message: it names the command's absolute
 * path (`spawn /usr/local/bin/claude ENOENT`), and messages never show the server's disk.
 */
export function describeSpawnError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'its command or its working folder was not found (ENOENT)';
    case 'EACCES':
      return 'its command is not executable (EACCES)';
    default:
      return `the system refused to start it (${error.code ?? 'unknown error'})`;
  }
}
