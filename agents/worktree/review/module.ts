/**
 * The Review module: a worktree's diff, commit, merge, discard and pull request (the screens, the
 * REST endpoints). Its own module beside the Worktree module because it also uses the Agents module
 * (the session that worked in a worktree gives the default texts, and review comments go to it), and
 * the Agents module uses the Worktree module: one module for both would be a cycle.
 */
import { controlModule } from '../../control/module';
import { WorktreeSessions } from '../../control/worktree-sessions';
import { defineModule } from '../../module';
import { worktreeModule } from '../module';
import { loadReviewConfig } from './config';
import { reviewEndpoints } from './endpoints';
import { GhCli } from './gh';
import { ReviewService } from './service';
import { createReviewPlugin } from './plugin';
import type { WorktreeService } from '../service';
import type { AgentSupervisor } from '../../control/supervisor';
import type { UserRoles } from '../../roles';

export interface ReviewServices {
  review: ReviewService;
  sessions: WorktreeSessions;
  worktrees: WorktreeService;
  supervisor: AgentSupervisor;
  roles: UserRoles;
}

export const reviewModule = defineModule<ReviewServices>({
  id: 'review',
  uses: [worktreeModule, controlModule],
  open(ctx) {
    const config = loadReviewConfig(ctx.env);
    const { supervisor } = ctx.use(controlModule);
    const worktrees = ctx.use(worktreeModule);
    const sessions = new WorktreeSessions(supervisor);
    const review = new ReviewService({
      worktrees,
      gh: new GhCli({ command: config.ghCommand, env: config.ghEnv }),
      roles: ctx.ports.roles,
      sessionIn: (userId, worktreePath) => sessions.factsIn(userId, worktreePath),
    });
    return { review, sessions, worktrees, supervisor, roles: ctx.ports.roles };
  },
  plugins: (services) => [createReviewPlugin(services)],
  endpoints: ({ review }) => reviewEndpoints(review),
  status: ({ worktrees }) => (worktrees.enabled ? { status: 'ok' } : { status: 'disabled', detail: worktrees.disabledReason ?? 'no repository' }),
});
