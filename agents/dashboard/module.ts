/**
 * The Dashboard module: the home route `/`, one card per section of the product, each drawn by its
 * own plugin from its own state (`Plugin.card`), and the user's recent activity.
 */
import { defineModule } from '../module';
import { createDashboardPlugin } from './plugin';

export const dashboardModule = defineModule<null>({
  id: 'dashboard',
  open: () => null,
  plugins: () => [createDashboardPlugin()],
});
