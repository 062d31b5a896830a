/**
 * Several real server processes on one real Redis: what a deployment of several processes is, on
 * loopback. Each process has its own data dir (they share nothing but Redis) and the same main token.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { makeRepo } from './git-repo';
import { startRedis, type TestRedis } from './redis';
import { dataDirWithUsers, tempDir } from './server';

export const CLUSTER_TOKEN = 'the-cluster-main-token-0123456789';

export interface ClusterProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  output(): string;
}

export interface TestCluster {
  redis: TestRedis;
  nodes: ClusterProcess[];
  /** Starts one more process on the same Redis (`env` over the cluster's). */
  start(name: string, env?: Record<string, string>): Promise<ClusterProcess>;
  stop(): Promise<void>;
}

/** `users`: users besides the main one, the same on every process (each process reads its own users.json). */
export async function startCluster(names: string[], env: Record<string, string> = {}, options: { users?: ReadonlyArray<{ token: string; userId: string }> } = {}): Promise<TestCluster> {
  const redis = await startRedis();
  const repo = makeRepo();
  const nodes: ClusterProcess[] = [];
  const start = async (name: string, extra: Record<string, string> = {}) => {
    const node = await launchNode(name, {
      PORT: '0',
      HOST: '127.0.0.1',
      A2UI_DATA_DIR: options.users ? dataDirWithUsers(options.users, tempDir(`a2ui-${name}-`)) : tempDir(`a2ui-${name}-`),
      A2UI_CLIENT_DIR: path.join(__dirname, '../../client-demo/dist'),
      A2UI_REPO: repo,
      A2UI_TOKEN: CLUSTER_TOKEN,
      A2UI_REDIS_URL: redis.url,
      A2UI_STORE_KEY: 'the-cluster-store-key-of-32-characters',
      A2UI_NODE_ID: name,
      A2UI_RATE_LIMIT_PER_MINUTE: '1000000',
      ...env,
      ...extra,
    });
    nodes.push(node);
    return node;
  };
  for (const name of names) await start(name);
  return {
    redis,
    nodes,
    start,
    stop: async () => {
      await Promise.all(
        nodes.map((node) => {
          if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
          return node.exited;
        }),
      );
      await redis.stop();
    },
  };
}

function launchNode(name: string, env: Record<string, string>): Promise<ClusterProcess> {
  const child = fork(path.join(__dirname, 'node-entry.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (!found) return;
      child.stdout!.off('data', onData);
      resolve({ name, url: found[1]!, child, exited, output: () => out });
    };
    child.stdout!.on('data', onData);
    void exited.then(() => reject(new Error(`${name} exited before listening:\n${out}`)));
  });
}
