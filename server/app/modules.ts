/**
 * The product's modules, in header order (each opens after the modules it `uses`). Adding a feature is
 * its folder under `agents/` and one line here.
 */
import { aiModule } from '../../agents/ai/module';
import { assistantModule } from '../../agents/assistant/module';
import { controlModule } from '../../agents/control/module';
import { dashboardModule } from '../../agents/dashboard/module';
import { emailModule } from '../../agents/email/module';
import { gatewayModule } from '../../agents/gateway/module';
import type { PluginModule } from '../../agents/module';
import { worktreeModule } from '../../agents/worktree/module';
import { reviewModule } from '../../agents/worktree/review/module';

export const MODULES: readonly PluginModule<any>[] = [dashboardModule, emailModule, controlModule, worktreeModule, reviewModule, gatewayModule, assistantModule, aiModule];
