/**
 * The worktree REST API, as the seed orchestrator server documents it:
 *   GET    /api/worktrees                 → {success, worktrees}
 *   GET    /api/worktrees/:path           → {success, worktree}          (path URL-encoded)
 *   POST   /api/worktrees                 → 201 {success, worktree, branch, path, branchCreated}
 *   DELETE /api/worktrees/:path?force=&deleteBranch= → {success, path, branch, branchDeleted}
 * Without a repository every route answers 503 WORKTREES_DISABLED; refusals come from the service as
 * PluginErrors (400 bad name, 404 unknown path or another user's worktree, 409 branch exists / dirty /
 * agent running there, 504 git too slow). Each request acts as its identity (user and role), and a
 * client that hangs up cancels its git work.
 */
import express from 'express';
import { z } from 'zod';
import type { WorktreeService } from '../../agents/worktree/service';
import { identityOf, parseJsonBody } from '../app';
import { parseInput } from '../errors';
import { hangUpSignal } from './hang-up';

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
    res.json({ success: true, worktrees: await service.list(identityOf(res), { signal: hangUpSignal(res) }) });
  });

  router.get('/:path', async (req, res) => {
    res.json({ success: true, worktree: await service.get(identityOf(res), String(req.params.path), { signal: hangUpSignal(res) }) });
  });

  router.post('/', async (req, res) => {
    const created = await service.create(identityOf(res), parseJsonBody(createBody, req), { signal: hangUpSignal(res) });
    res.status(201).json({ success: true, ...created });
  });

  router.delete('/:path', async (req, res) => {
    const options = parseInput(removeQuery, req.query);
    const removed = await service.remove(identityOf(res), String(req.params.path), { force: options.force, deleteBranch: options.deleteBranch, signal: hangUpSignal(res) });
    res.json({ success: true, ...removed });
  });

  return router;
}
