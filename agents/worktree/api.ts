/**
 * The worktree REST API, as the seed orchestrator server documents it:
 *   GET    /api/worktrees                 → {success, worktrees}
 *   GET    /api/worktrees/:path           → {success, worktree}          (path URL-encoded)
 *   POST   /api/worktrees                 → 201 {success, worktree, branch, path, branchCreated}
 *   DELETE /api/worktrees/:path?force=&deleteBranch= → {success, path, branch, branchDeleted}
 * Without a repository every endpoint answers 503 WORKTREES_DISABLED; refusals come from the service
 * as PluginErrors (400 bad name, 404 unknown path or another user's worktree, 409 branch exists /
 * dirty / agent running there, 504 git too slow). Each request acts as its caller (user and role), and
 * a client that hangs up cancels its git work.
 */
import { z } from 'zod';
import { endpoint, type Endpoint } from '../endpoint';
import type { WorktreeService } from './service';

const createBody = z.object({
  agentName: z.string().max(300),
  taskId: z.string().max(300),
  taskTitle: z.string().max(300).optional(),
  customBranch: z.string().max(300).optional(),
  customPath: z.string().max(300).optional(),
  baseBranch: z.string().max(300).optional(),
  copyFiles: z.array(z.string().max(400)).max(100).optional(),
});

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => value === 'true' || value === '1');
const removeQuery = z.object({ force: flag, deleteBranch: flag });
const byPath = z.object({ path: z.string().min(1).max(4096) });

export function worktreeEndpoints(service: WorktreeService): Endpoint[] {
  return [
    endpoint({
      method: 'GET',
      path: '/api/worktrees',
      async handle({ caller, signal }) {
        service.assertEnabled();
        return { json: { success: true, worktrees: await service.list(caller, { signal }) } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/worktrees/:path',
      params: byPath,
      async handle({ params, caller, signal }) {
        service.assertEnabled();
        return { json: { success: true, worktree: await service.get(caller, params.path, { signal }) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/worktrees',
      body: createBody,
      async handle({ body, caller, signal }) {
        service.assertEnabled();
        return { status: 201, json: { success: true, ...(await service.create(caller, body, { signal })) } };
      },
    }),
    endpoint({
      method: 'DELETE',
      path: '/api/worktrees/:path',
      params: byPath,
      query: removeQuery,
      async handle({ params, query, caller, signal }) {
        service.assertEnabled();
        return { json: { success: true, ...(await service.remove(caller, params.path, { force: query.force, deleteBranch: query.deleteBranch, signal })) } };
      },
    }),
  ];
}
