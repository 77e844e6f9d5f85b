import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

/** The values of enum `name` in the SDL file at `path`, sorted; throws when the enum is missing. */
export function enumValuesOf(path: string, name: string): string[] {
  const document = parse(readFileSync(path, 'utf8'));
  const found = document.definitions.find((definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === name);
  if (!found || found.kind !== Kind.ENUM_TYPE_DEFINITION) throw new Error(`${path} declares no enum ${name}`);
  return (found.values ?? []).map((value) => value.name.value).sort();
}
