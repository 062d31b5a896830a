/**
 * The worktree REST API, as the seed orchestrator server documents it:
 *   GET    /api/worktrees                 → {success, worktrees}
 *   GET    /api/worktrees/:path           → {success, worktree}          (path URL-encoded)
 *   POST   /api/worktrees                 → 201 {success, worktree, branch, path, branchCreated}
 *   DELETE /api/worktrees/:path?force=&deleteBranch= → {success, path, branch, branchDeleted}
 * Without a repository every route answers 503 WORKTREES_DISABLED; refusals come from the service as
 * PluginErrors (400 bad name, 404 unknown path, 409 branch exists / dirty / agent running there).
 */
import express from 'express';
import { z } from 'zod';
import type { WorktreeService } from '../../agents/worktree/service';
import { parseJsonBody } from '../transport/http';
import { parseInput } from '../transport/errors';

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

export function worktreeRoutes(service: WorktreeService): express.Router {
  const router = express.Router();

  router.use((_req, _res, next) => {
    service.assertEnabled();
    next();
  });

  router.get('/', async (_req, res) => {
    res.json({ success: true, worktrees: await service.list() });
  });

  router.get('/:path', async (req, res) => {
    res.json({ success: true, worktree: await service.get(String(req.params.path)) });
  });

  router.post('/', async (req, res) => {
    const created = await service.create(parseJsonBody(createBody, req));
    res.status(201).json({ success: true, ...created });
  });

  router.delete('/:path', async (req, res) => {
    const options = parseInput(removeQuery, req.query);
    const removed = await service.remove(String(req.params.path), { force: options.force, deleteBranch: options.deleteBranch });
    res.json({ success: true, ...removed });
  });

  return router;
}
