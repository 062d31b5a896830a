/**
 * Typed errors for surfaces that would not display: callers branch on the class or on `code`
 * (stable strings, safe to log or send), and every message names the offending component id.
 */

export type SurfaceErrorCode = 'DUPLICATE_COMPONENT_ID' | 'INVALID_COMPONENT_ID' | 'DANGLING_CHILD' | 'MISSING_ROOT';

export abstract class SurfaceError extends Error {
  abstract readonly code: SurfaceErrorCode;

  /** The component at fault (for a dangling reference: the component holding the reference). */
  readonly componentId: string;

  protected constructor(message: string, componentId: string) {
    super(message);
    this.name = new.target.name;
    this.componentId = componentId;
  }
}

/** Two components with one id: the flat map would keep only one of them. */
export class DuplicateComponentIdError extends SurfaceError {
  readonly code = 'DUPLICATE_COMPONENT_ID';

  constructor(componentId: string) {
    super(`component id "${componentId}" is used more than once in the tree`, componentId);
  }
}

export class InvalidComponentIdError extends SurfaceError {
  readonly code = 'INVALID_COMPONENT_ID';

  constructor(componentId: string, reason: string) {
    super(`invalid component id ${JSON.stringify(componentId)}: ${reason}`, componentId);
  }
}

/** A reference by id (child, children, tabs[].child, trigger, content, template) to no component. */
export class DanglingChildError extends SurfaceError {
  readonly code = 'DANGLING_CHILD';

  /** The id that was referenced but is not in the surface. */
  readonly missingId: string;

  /** Where the reference is, e.g. `children[2]`, `tabs[0].child`, `children.componentId`. */
  readonly property: string;

  constructor(componentId: string, property: string, missingId: string) {
    super(`component "${componentId}" references "${missingId}" in ${property}, but no component has that id`, componentId);
    this.missingId = missingId;
    this.property = property;
  }
}

/** A2UI renders from the component with id "root"; without it the client shows nothing. */
export class MissingRootError extends SurfaceError {
  readonly code = 'MISSING_ROOT';

  /** `rootId`: the id the root node has instead of "root"; omitted when a flat map has no "root". */
  constructor(rootId?: string) {
    super(
      rootId === undefined
        ? 'no component has id "root"'
        : `the root node has id "${rootId}"; the root component must have id "root"`,
      rootId ?? 'root',
    );
  }
}
