/**
 * The browser paths the UI answers (client-side routes). The server returns index.html for them so a
 * reload or a shared link works; everything else keeps its own routes and the JSON 404.
 * Kept in step with ui/src/router.ts.
 */
export const uiRoutePatterns = [
  '/',
  '/projects/*',
  '/runs/*',
  '/jobs/*',
  '/approvals',
  '/approvals/*',
  '/deployments/*',
] as const;

/** Where Vite puts hashed assets, served with a long cache lifetime. */
export const uiAssetsPrefix = '/ui/assets/';
