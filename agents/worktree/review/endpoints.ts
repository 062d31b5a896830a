/**
 * The review's HTTP endpoints, declared for the transport (agents/endpoint.ts):
 *
 *   GET  /api/worktrees/:path/diff?against=base|head&base=&limit=        → {success, ...ChangeList, worktree}
 *   GET  /api/worktrees/:path/diff?against=&base=&file=&page=&pageSize=   → {success, diff: FileDiff}
 *   POST /api/worktrees/:path/commit  {message?, files?}                  → 201 {success, commit, files, message}
 *   POST /api/worktrees/:path/merge   {strategy, base?, message?}         → {success, strategy, base, branch, commit}
 *   POST /api/worktrees/:path/discard {files}                             → {success, files}
 *   GET  /api/worktrees/:path/pr                                          → {success, gh: {available, reason?}, pull_request}
 *   POST /api/worktrees/:path/pr      {title?, body?, base?}              → 201 {success, url, state, created}
 *
 * `:path` is the URL-encoded worktree path (absolute, or relative to the repository), as for
 * `GET /api/worktrees/:path`. Bodies are strict (an unknown field is a 400); the service checks paths,
 * branches and texts before git runs (see inputs.ts).
 */
import { z } from 'zod';
import { endpoint, type Endpoint } from '../../endpoint';
import { MERGE_STRATEGIES } from './merge';
import { DIFF_AGAINST } from './model';
import { MAX_PAGE_SIZE, type ReviewService } from './service';

const text = (max: number) => z.string().max(max);
const pathParams = z.object({ path: z.string().min(1).max(4096) }).strict();
const pageNumber = z.string().regex(/^\d{1,6}$/, 'must be a positive whole number').transform(Number).pipe(z.number().int().min(1));
const diffQuery = z
  .object({
    against: z.enum(DIFF_AGAINST).default('head'),
    base: text(300).optional(),
    file: text(4096).optional(),
    page: pageNumber.optional(),
    pageSize: pageNumber.pipe(z.number().max(MAX_PAGE_SIZE)).optional(),
    limit: pageNumber.optional(),
  })
  .strict();
const fileList = z.array(text(4096)).max(1000);
const commitBody = z.object({ message: text(10_000).optional(), files: fileList.min(1).optional() }).strict();
const mergeBody = z.object({ strategy: z.enum(MERGE_STRATEGIES), base: text(300).optional(), message: text(10_000).optional() }).strict();
const discardBody = z.object({ files: fileList.min(1) }).strict();
const prBody = z.object({ title: text(1000).optional(), body: text(60_000).optional(), base: text(300).optional() }).strict();
const noQuery = z.object({}).strict();

export function reviewEndpoints(review: ReviewService): Endpoint[] {
  return [
    endpoint({
      method: 'GET',
      path: '/api/worktrees/:path/diff',
      params: pathParams,
      query: diffQuery,
      async handle({ caller, params, query }) {
        if (query.file !== undefined) {
          const diff = await review.fileDiff(caller.userId, params.path, { against: query.against, base: query.base, file: query.file, page: query.page, pageSize: query.pageSize });
          return { json: { success: true, diff } };
        }
        return { json: { success: true, ...(await review.changes(caller.userId, params.path, { against: query.against, base: query.base, limit: query.limit })) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/worktrees/:path/commit',
      params: pathParams,
      query: noQuery,
      body: commitBody,
      async handle({ caller, params, body }) {
        return { status: 201, json: { success: true, ...(await review.commit(caller.userId, params.path, body)) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/worktrees/:path/merge',
      params: pathParams,
      query: noQuery,
      body: mergeBody,
      async handle({ caller, params, body }) {
        return { json: { success: true, ...(await review.merge(caller.userId, params.path, body)) } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/worktrees/:path/discard',
      params: pathParams,
      query: noQuery,
      body: discardBody,
      async handle({ caller, params, body }) {
        return { json: { success: true, ...(await review.discard(caller.userId, params.path, body)) } };
      },
    }),
    endpoint({
      method: 'GET',
      path: '/api/worktrees/:path/pr',
      params: pathParams,
      query: noQuery,
      async handle({ caller, params }) {
        const { gh, pullRequest } = await review.pullRequest(caller.userId, params.path);
        return { json: { success: true, gh, pull_request: pullRequest } };
      },
    }),
    endpoint({
      method: 'POST',
      path: '/api/worktrees/:path/pr',
      params: pathParams,
      query: noQuery,
      body: prBody,
      async handle({ caller, params, body }) {
        return { status: 201, json: { success: true, ...(await review.openPullRequest(caller.userId, params.path, body)) } };
      },
    }),
  ];
}
