'use strict';
// @flint/onnx is an ES module (it starts its backend with top-level await), so require() cannot load it.
throw new Error(
  "@flint/onnx is ESM-only (it uses top-level await), so require('@flint/onnx') cannot load it. " +
    "Use import { ... } from '@flint/onnx' in an ES module (a .mjs/.mts file, or \"type\": \"module\" in package.json), " +
    "or await import('@flint/onnx') from CommonJS.",
);
