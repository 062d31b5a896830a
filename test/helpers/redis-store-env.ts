/**
 * Set-up of the jest project `redis` (jest.config.js): before a test file loads, its servers are put
 * on a Redis of its own (test/helpers/server.ts reads A2UI_TEST_STORE).
 */
process.env.A2UI_TEST_STORE = 'redis';
