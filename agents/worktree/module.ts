/**
 * The Worktree module: git worktrees of the configured repository (`A2UI_REPO`, default the working
 * directory; not a repository = disabled), their screens, REST API and assistant tools.
 */
import path from 'node:path';
import { defineModule, type ModuleContext } from '../module';
import { createWorktreePlugin } from './plugin';
import { worktreeEndpoints } from './api';
import { integerVar } from '../env-values';
import { DEFAULT_GIT_TIMEOUT_MS } from './git';
import { WorktreeService, worktreeMetadataFileSchema, type WorktreeMetadataFile } from './service';
import { worktreeTools } from './tools';

/** The configured repository folder (`A2UI_REPO`, default the working directory). */
export function configuredRepo(ctx: ModuleContext): string {
  return path.resolve(ctx.cwd, ctx.env.A2UI_REPO || '.');
}

export const worktreeModule = defineModule<WorktreeService>({
  id: 'worktree',
  async open(ctx) {
    const store = await ctx.openStore<WorktreeMetadataFile>('worktrees', { worktrees: {} }, worktreeMetadataFileSchema);
    return WorktreeService.open({ repo: configuredRepo(ctx), store, gitTimeoutMs: integerVar(ctx.env, 'A2UI_GIT_TIMEOUT_MS', DEFAULT_GIT_TIMEOUT_MS, 100) });
  },
  close: (service) => service.close(),
  plugins: (service, ctx) => [createWorktreePlugin(service, ctx.ports.roles)],
  endpoints: (service) => worktreeEndpoints(service),
  tools: (service, ctx) => worktreeTools(service, ctx.ports.roles),
  status: (service) => (service.enabled ? { status: 'ok' } : { status: 'disabled', detail: service.disabledReason ?? 'no repository' }),
  health: (service) => ({ services: { worktreeManager: service.enabled ? 'ready' : 'disabled' } }),
});
