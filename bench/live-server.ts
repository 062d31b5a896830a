/**
 * The product's server for bench/live.ts, in a child process: prints where it listens and answers
 * `cpu` on its IPC channel with its own process.cpuUsage() (user + system, µs), so the bench can
 * charge each action its server CPU time however many processes serve the load.
 */
import { startServer } from '../server/main';

startServer().then(
  (running) => {
    console.log(`listening on ${running.url}`);
    process.on('message', (message) => {
      if (message !== 'cpu') return;
      const { user, system } = process.cpuUsage();
      process.send!({ cpuMicros: user + system });
    });
    process.once('SIGTERM', () => void running.close().finally(() => process.exit(0)));
  },
  (error: unknown) => {
    console.error('could not start:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
