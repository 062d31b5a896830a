/**
 * A worktree service and a review service over a throwaway repository, and the facts a test compares
 * before and after a refused step: `git status` of every worktree, the branches and their heads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PluginError } from '../../agents/errors';
import { GhCli } from '../../agents/worktree/review/gh';
import { ReviewService, type SessionFacts } from '../../agents/worktree/review/service';
import { mainUserOnly } from '../../agents/roles';
import { WorktreeService, worktreeMetadataFileSchema, type WorktreeMetadataFile } from '../../agents/worktree/service';
import { openStore } from '../../server/app/store';
import { gitIn, makeRepo } from '../helpers/git-repo';
import { tempDir, type TestServer } from '../helpers/server';
import { LiveClient } from '../helpers/client';
import { startAgentServer } from '../control/helpers';

export async function openReview(options: { repo?: string; env?: NodeJS.ProcessEnv; session?: SessionFacts } = {}) {
  const repo = options.repo ?? makeRepo();
  const store = await openStore<WorktreeMetadataFile>(path.join(tempDir(), 'worktrees.json'), { worktrees: {} }, worktreeMetadataFileSchema);
  const worktrees = await WorktreeService.open({ repo, store });
  const review = new ReviewService({ worktrees, gh: new GhCli({ env: options.env ?? process.env }), roles: mainUserOnly, sessionIn: async () => options.session });
  return { repo, worktrees, review };
}

/** Writes files (relative path → content) under `dir`, making folders. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), content);
  }
}

/** Commits everything in `dir` with a fixed identity. */
export function commitAll(dir: string, message: string): string {
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '-q', '-m', message);
  return gitIn(dir, 'rev-parse', 'HEAD').trim();
}

/** What a refused step must leave as it was: status of each worktree, every branch's head, the stash. */
export function repoState(...dirs: string[]) {
  return {
    statuses: dirs.map((dir) => gitIn(dir, 'status', '--porcelain=v1', '--untracked-files=all')),
    refs: gitIn(dirs[0]!, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'),
    merging: dirs.map((dir) => fs.existsSync(path.join(gitIn(dir, 'rev-parse', '--absolute-git-dir').trim(), 'MERGE_HEAD'))),
  };
}

/** Awaits a promise that must fail with a PluginError of `code`; answers the error. */
export async function refused(promise: Promise<unknown>, code: string): Promise<PluginError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PluginError);
  expect((error as PluginError).code).toBe(code);
  return error as PluginError;
}

/**
 * For a test file: a server with the test agents over a throwaway repository, and a live client of
 * the main user; opened before the tests, closed after. Read the fields inside the tests.
 */
export function agentServerWithClient(): { server: TestServer; repo: string; client: LiveClient } {
  const opened = {} as { server: TestServer; repo: string; client: LiveClient };
  beforeAll(async () => {
    opened.repo = makeRepo();
    opened.server = await startAgentServer({ repo: opened.repo });
    opened.client = await LiveClient.open(opened.server.url, opened.server.token);
  });
  afterAll(async () => {
    opened.client.close();
    await opened.server.close();
  });
  return opened;
}
