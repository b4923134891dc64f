'use strict';
// @flint/data is an ES module (it starts its backend with top-level await), so require() cannot load it.
throw new Error(
  "@flint/data is ESM-only (it uses top-level await), so require('@flint/data') cannot load it. " +
    "Use import { ... } from '@flint/data' in an ES module (a .mjs/.mts file, or \"type\": \"module\" in package.json), " +
    "or await import('@flint/data') from CommonJS.",
);
