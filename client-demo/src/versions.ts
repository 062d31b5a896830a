/**
 * Which frames a client applies (docs/architecture.md, "The wire protocol"). The client holds the version of its
 * document; a frame applies when it starts there. The same change can arrive twice (an action's answer
 * and the frame pushed to every tab of the user): whichever comes first applies, and the other ends at
 * or before the current version, so it is recognised as already applied, not mistaken for a gap.
 */

export type FrameDisposition =
  /** `from: null`: a whole document; applies at any version. */
  | 'snapshot'
  /** Starts at the current version: apply it. */
  | 'apply'
  /** Ends at or before the current version: already applied. */
  | 'duplicate'
  /** Starts after the current version (or the client has no document yet): ask for what was missed. */
  | 'gap';

export function frameDisposition(version: number | null, frame: { from: number | null; to: number }): FrameDisposition {
  if (frame.from === null) return 'snapshot';
  if (version === null) return 'gap';
  if (frame.from === version) return 'apply';
  if (frame.to <= version) return 'duplicate';
  return 'gap';
}
