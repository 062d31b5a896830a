/**
 * Found by the fuzzer (hostile-input.test.ts): a socket.io event sent without a payload, or with more
 * than one value, was never answered. socket.io passes the ack as the last argument, and the listeners
 * took `(payload, ack)`: with no payload the ack arrived as the payload, with two values the second
 * arrived as the ack, and the client waited for ever. Now every event finds its ack where it is and
 * answers, a refusal in the one error shape.
 */
import { connect, connected, emitAck } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import type { Socket } from 'socket.io-client';

let server: TestServer;
let socket: Socket;
beforeAll(async () => {
  server = await startTestServer({ env: { A2UI_RATE_LIMIT_PER_MINUTE: '100000' } });
  socket = connect(server.url, server.token);
  await connected(socket);
});
afterAll(async () => {
  socket.close();
  await server.close();
});

/** Emits `event` with exactly `values` before the ack; answers the ack. */
function emitRaw(event: string, values: unknown[]): Promise<unknown> {
  return socket.timeout(5000).emitWithAck(event, ...values);
}

const refused = { error: { code: 'INVALID_INPUT', message: expect.any(String) } };
const refusedAction = { status: 'error', error: { code: 'INVALID_INPUT', message: expect.any(String) } };

test.each([
  ['resync', refused],
  ['action', refusedAction],
  ['a2ui_action', refusedAction],
  ['subscribe', refused],
  ['unsubscribe', refused],
  ['input', refused],
  ['tool_approval_response', refused],
])('%s without a payload is answered, refused in the one shape', async (event, expected) => {
  expect(await emitRaw(event, [])).toEqual(expected);
});

test('join without a payload joins a new view; ping without one pongs', async () => {
  expect(await emitRaw('join', [])).toMatchObject({ surfaceId: expect.any(String), from: null, to: expect.any(Number) });
  expect(await emitRaw('ping', [])).toMatchObject({ at: expect.any(String) });
});

test.each([
  ['resync', [{ version: 0 }, 'extra', 3], { surfaceId: expect.any(String) }],
  ['action', [{ action: 'navigate', payload: { to: '/agents' } }, 'extra'], { status: 'success' }],
  ['subscribe', [{ agentId: 'no such agent!' }, { more: true }], refused],
  ['input', [null, 'extra'], refused],
])('%s with more than one value is answered (the first value is the payload)', async (event, values, expected) => {
  expect(await emitAck(socket, 'join', {})).toBeDefined();
  expect(await emitRaw(event, values)).toMatchObject(expected);
});
