/**
 * The worktree REST API, as the seed orchestrator server documents it:
 *   GET    /api/worktrees                 → {success, worktrees}
 *   GET    /api/worktrees/:path           → {success, worktree}          (path URL-encoded)
 *   POST   /api/worktrees                 → 201 {success, worktree, branch, path, branchCreated}
 *   DELETE /api/worktrees/:path?force=&deleteBranch= → {success, path, branch, branchDeleted}
 * Without a repository every endpoint answers 503 WORKTREES_DISABLED; refusals come from the service
 * as PluginErrors (400 bad name, 404 unknown path, 409 branch exists / dirty / agent running there).
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
      async handle() {
        service.assertEnabled();
        return { json: { success: true, worktrees: await service.list() } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/worktrees/:path',
      params: byPath,
      async handle({ params }) {
        service.assertEnabled();
        return { json: { success: true, worktree: await service.get(params.path) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/worktrees',
      body: createBody,
      async handle({ body }) {
        service.assertEnabled();
        return { status: 201, json: { success: true, ...(await service.create(body)) } };
      },
    }),
    endpoint({
      method: 'DELETE',
      path: '/api/worktrees/:path',
      params: byPath,
      query: removeQuery,
      async handle({ params, query }) {
        service.assertEnabled();
        return { json: { success: true, ...(await service.remove(params.path, { force: query.force, deleteBranch: query.deleteBranch })) } };
      },
    }),
  ];
}
