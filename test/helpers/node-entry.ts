/**
 * One server process of a test cluster (test/helpers/cluster.ts forks it): the product's wiring with
 * the lab module, on the environment it was given; prints its URL once it listens; SIGTERM is the
 * clean stop a deployment sends.
 */
import { MODULES } from '../../server/app/modules';
import { startServer } from '../../server/main';
import { labModule } from './lab-plugin';

startServer({ modules: [...MODULES, labModule] }).then(
  (running) => {
    console.log(`listening on ${running.url}`);
    process.once('SIGTERM', () => {
      running.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('closing failed:', error);
          process.exit(1);
        },
      );
    });
  },
  (error: unknown) => {
    console.error('could not start:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
