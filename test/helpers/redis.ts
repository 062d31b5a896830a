/**
 * A real Redis for a test: Debian's `redis-server` (.ci/run installs it) started on a free loopback
 * port, with no persistence and no system service, stopped when the test is done. Each call is its
 * own server, so tests never see each other's keys.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `untilExit`: also stopped when this process exits (for a Redis that outlives the test file's hooks). */
export async function startRedis(options: { untilExit?: boolean } = {}): Promise<TestRedis> {
  // Another process may take the port between freePort and the bind: try again with another one.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      const child = await launch(port);
      if (options.untilExit) {
        // Nothing of it may keep this process alive (a jest worker exits when its files are done);
        // when this process ends, however it ends, the watchdog below stops the server.
        child.unref();
        for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref(): void }).unref();
      }
      return { url: `redis://127.0.0.1:${port}`, port, stop: () => stop(child) };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * redis-server under a watchdog shell: the server runs until the shell's stdin closes (stop() closes
 * it, and so does the end of this process, even a SIGKILL), so no test leaves a Redis behind.
 */
const WATCHDOG = `exec 3<&0
redis-server "$@" </dev/null & r=$!
(read _ <&3; kill $r 2>/dev/null) &
wait $r`;

function launch(port: number): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', WATCHDOG, 'redis', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.resume();
    child.once('error', (error) => reject(new Error(`redis-server could not start (is it installed? .ci/run installs it): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready (is it installed? .ci/run installs it):\n${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin!.end();
  });
}
