/**
 * Who acts, and what they may manage. Worktrees are shared by one repository, so each records the
 * user who created it: only that user, or an administrator, sees and manages it. Everything else a
 * user owns (sessions, agents, mail) is theirs alone and needs no role.
 *
 * Roles come from the users file (`"role": "admin"`); the main user `local` is always an
 * administrator. `server/transport/auth.ts` turns a token into an Actor; services that only know a user id (a
 * plugin's host, the assistant's tools) ask `UserRoles` for it.
 */

/** The user of the main token; owner of worktrees made outside the product and of the main worktree. */
export const MAIN_USER_ID = 'local';

export interface Actor {
  readonly userId: string;
  /** Sees and manages every user's worktrees. */
  readonly admin: boolean;
}

export interface UserRoles {
  actor(userId: string): Actor;
}

/** Without a users file: the main user is the only administrator. */
export const mainUserOnly: UserRoles = {
  actor: (userId) => ({ userId, admin: userId === MAIN_USER_ID }),
};

/** Whether `actor` may see and manage what `owner` made. */
export function canManage(actor: Actor, owner: string): boolean {
  return actor.admin || actor.userId === owner;
}
