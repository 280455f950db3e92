// Names a module may rebind at run time, so that what they resolve to statically is not what runs:
// `self.close = other` replaces a method on the instance, `flush = wrap(flush)` a function.

/** Does the module assign `.name = ...` anywhere (an instance or class attribute that may shadow a method)? */
export function assignsAttribute(text: string, name: string): boolean {
  return new RegExp(`\\.${name}\\s*=[^=]`).test(text);
}

/** Does the module rebind the bare name (`name = ...` at the start of a line)? */
export function rebindsName(text: string, name: string): boolean {
  return new RegExp(`^\\s*${name}\\s*=[^=]`, 'm').test(text);
}
