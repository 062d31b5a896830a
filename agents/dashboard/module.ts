/** The Dashboard module: the home route `/`, one card per section of the product. */
import { defineModule } from '../module';
import { createDashboardPlugin } from './plugin';

export const dashboardModule = defineModule<null>({
  id: 'dashboard',
  open: () => null,
  plugins: () => [createDashboardPlugin()],
});
