'use strict';
// @flint/vision is an ES module (it starts its backend with top-level await), so require() cannot load it.
throw new Error(
  "@flint/vision is ESM-only (it uses top-level await), so require('@flint/vision') cannot load it. " +
    "Use import { ... } from '@flint/vision' in an ES module (a .mjs/.mts file, or \"type\": \"module\" in package.json), " +
    "or await import('@flint/vision') from CommonJS.",
);
