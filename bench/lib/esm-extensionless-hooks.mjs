/**
 * Node module-resolution hook: lets Node load tfjs-core's ESM `dist/` files, whose relative
 * imports have no `.js` suffix. Used only to import `register_all_gradients.js`, which the Node
 * (CJS) bundle of tfjs-core leaves out; the gradient registry is global, so the CJS engine that
 * tfjs-layers uses sees the gradients.
 */
export async function resolve(specifier, context, next) {
  if ((specifier.startsWith('./') || specifier.startsWith('../')) && !/\.[cm]?js$/.test(specifier)) {
    try {
      return await next(`${specifier}.js`, context);
    } catch {
      return next(`${specifier}/index.js`, context);
    }
  }
  return next(specifier, context);
}
