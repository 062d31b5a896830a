import { PluginError } from '../../agents/errors';
import { SESSION_STATUSES, canTransition, transition, type SessionStatus } from '../../agents/control/status';

describe('the session state machine', () => {
  const legal: Array<[SessionStatus, SessionStatus]> = [
    ['starting', 'running'],
    ['starting', 'terminating'],
    ['starting', 'terminated'],
    ['starting', 'suspended'],
    ['running', 'terminating'],
    ['running', 'terminated'],
    ['running', 'suspended'],
    ['terminating', 'terminated'],
    ['suspended', 'starting'],
    ['suspended', 'terminated'],
    ['terminated', 'starting'],
  ];

  test('exactly the listed moves are allowed', () => {
    for (const from of SESSION_STATUSES) {
      for (const to of SESSION_STATUSES) {
        const expected = legal.some(([a, b]) => a === from && b === to);
        expect([from, to, canTransition(from, to)]).toEqual([from, to, expected]);
      }
    }
  });

  test('an illegal move is a 409 CONFLICT naming both statuses', () => {
    expect(transition('running', 'terminating')).toBe('terminating');
    let error: unknown;
    try {
      transition('terminated', 'terminating');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'The session is terminated; it cannot become terminating.' });
    expect(() => transition('running', 'starting')).toThrow(/running; it cannot become starting/);
  });
});
