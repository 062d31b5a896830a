/**
 * The user's preferences as the server renders them (`/app/theme`: light, dark or auto;
 * `/app/density`: comfortable or compact) on `<html data-theme data-density>`, where the styles read
 * them. Only known values are written: the data model is the server's, but attributes are ours.
 */
import { readPointer } from './bindings';

const THEMES = new Set(['light', 'dark', 'auto']);
const DENSITIES = new Set(['comfortable', 'compact']);

export function applyPreferences(root: HTMLElement, dataModel: unknown): void {
  const theme = readPointer(dataModel, '/app/theme');
  const density = readPointer(dataModel, '/app/density');
  const wantedTheme = typeof theme === 'string' && THEMES.has(theme) ? theme : 'auto';
  const wantedDensity = typeof density === 'string' && DENSITIES.has(density) ? density : 'comfortable';
  if (root.dataset.theme !== wantedTheme) root.dataset.theme = wantedTheme;
  if (root.dataset.density !== wantedDensity) root.dataset.density = wantedDensity;
}
