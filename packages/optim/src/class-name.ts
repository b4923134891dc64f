/**
 * The name an optimizer or scheduler prints: its class's own static `className` (never inherited),
 * else its JavaScript `constructor.name`, which a minifier may have renamed.
 */
export function classNameOf(instance: object): string {
  const ctor = Object.getPrototypeOf(instance)?.constructor as { name?: string } | undefined;
  const own = ctor && Object.getOwnPropertyDescriptor(ctor, 'className')?.value;
  return typeof own === 'string' ? own : (ctor?.name ?? 'Object');
}
