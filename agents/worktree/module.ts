/**
 * The Worktree module: git worktrees of the configured repository (`A2UI_REPO`, default the working
 * directory; not a repository = disabled), their screens, REST API and assistant tools.
 */
import path from 'node:path';
import { defineModule, type ModuleContext } from '../module';
import { createWorktreePlugin } from './plugin';
import { worktreeEndpoints } from './api';
import { WorktreeService, type WorktreeMetadataFile } from './service';
import { worktreeTools } from './tools';

/** The configured repository folder (`A2UI_REPO`, default the working directory). */
export function configuredRepo(ctx: ModuleContext): string {
  return path.resolve(ctx.cwd, ctx.env.A2UI_REPO || '.');
}

export const worktreeModule = defineModule<WorktreeService>({
  id: 'worktree',
  async open(ctx) {
    const store = await ctx.openStore<WorktreeMetadataFile>('worktrees', { worktrees: {} });
    return WorktreeService.open({ repo: configuredRepo(ctx), store });
  },
  close: (service) => service.close(),
  plugins: (service) => [createWorktreePlugin(service)],
  endpoints: (service) => worktreeEndpoints(service),
  tools: (service) => worktreeTools(service),
  status: (service) => (service.enabled ? { status: 'ok' } : { status: 'disabled', detail: service.disabledReason ?? 'no repository' }),
});
