'use strict';
// @flint/nn is an ES module (it starts its backend with top-level await), so require() cannot load it.
throw new Error(
  "@flint/nn is ESM-only (it uses top-level await), so require('@flint/nn') cannot load it. " +
    "Use import { ... } from '@flint/nn' in an ES module (a .mjs/.mts file, or \"type\": \"module\" in package.json), " +
    "or await import('@flint/nn') from CommonJS.",
);
