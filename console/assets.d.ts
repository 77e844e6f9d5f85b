/** Stylesheets imported for their side effect: esbuild bundles them into app.css (app/ops-console.ts). */
declare module '*.css';
