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

export interface ReviewServices {
  review: ReviewService;
  sessions: WorktreeSessions;
}

export const reviewModule = defineModule<ReviewServices>({
  id: 'review',
  uses: [worktreeModule, controlModule],
  open(ctx) {
    const config = loadReviewConfig(ctx.env);
    const sessions = new WorktreeSessions(ctx.use(controlModule).supervisor);
    const review = new ReviewService({
      worktrees: ctx.use(worktreeModule),
      gh: new GhCli({ command: config.ghCommand, env: config.ghEnv }),
      sessionIn: (userId, worktreePath) => sessions.factsIn(userId, worktreePath),
    });
    return { review, sessions };
  },
  endpoints: ({ review }) => reviewEndpoints(review),
});
