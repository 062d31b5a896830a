/**
 * The Dashboard module: the home route `/`, one card per section of the product, with the live lines
 * other modules add to their cards (the model gateway's: providers and the user's usage).
 */
import { gatewayModule } from '../gateway/module';
import { defineModule } from '../module';
import { createDashboardPlugin } from './plugin';

export const dashboardModule = defineModule<null>({
  id: 'dashboard',
  uses: [gatewayModule],
  open: () => null,
  plugins: (_services, ctx) => [createDashboardPlugin([ctx.use(gatewayModule).dashboardFacts])],
});
