// A server's configuration template: its text, with `{{name}}` placeholders filled from code.

/**
 * Replaces every `{{name}}` with the value as a scalar: strings JSON-quoted (always valid
 * YAML, and a valid TOML basic string for the characters a config holds), numbers and
 * booleans as they are. Unknown or unused names are errors, so the template and the code
 * cannot drift apart silently.
 */
export function fillPlaceholders(
  template: string,
  values: Record<string, string | number | boolean>,
): string {
  const unused = new Set(Object.keys(values));
  const filled = template.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`template placeholder {{${name}}} has no value`);
    unused.delete(name);
    const value = values[name];
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  });
  if (unused.size > 0) throw new Error(`values not used by the template: ${[...unused].join(', ')}`);
  if (/\{\{|\}\}/.test(filled)) throw new Error('template has a malformed placeholder');
  return filled;
}
