// Units as the `units:` section of a campaign definition (docs/campaign-format.md), and the replacement of a
// definition's units by others (a unit list imported from Excel) leaving every other byte of the file as it was.
import { Document, isMap, isScalar, parseDocument, YAMLSeq, type Node } from 'yaml';
import type { UnitDef } from '../domain/definition';
import { DubanError } from '../domain/errors';

const RENDER = { lineWidth: 0, flowCollectionPadding: false, indentSeq: true } as const;

/** The YAML of one unit, keys in the documented order; principal and reportsTo on one line as in the examples. */
function unitNode(doc: Document, u: UnitDef): Node {
  const plain: Record<string, unknown> = {
    id: u.id,
    name: u.name,
    type: u.type,
    email: u.email,
    principal: { name: u.principal.name, email: u.principal.email },
  };
  if (u.reportsTo.length > 0) plain.reportsTo = [...u.reportsTo];
  const node = doc.createNode(plain);
  for (const key of ['principal', 'reportsTo']) {
    const value = node.get(key, true) as { flow?: boolean } | undefined;
    if (value) value.flow = true;
  }
  return node;
}

function unitsNode(doc: Document, units: UnitDef[]): YAMLSeq {
  const seq = new YAMLSeq();
  for (const u of units) seq.items.push(unitNode(doc, u));
  return seq;
}

/** The `units:` section (ending with a newline) for these units. */
export function unitsToYaml(units: UnitDef[]): string {
  const doc = new Document({});
  doc.set('units', unitsNode(doc, units));
  return doc.toString(RENDER);
}

/**
 * The campaign definition with its `units` replaced by these: the section is rewritten in place and everything
 * before and after it (comments, blank lines, the other sections' layout) is kept byte for byte. A definition
 * without units gets the section appended. Throws DubanError INVALID_DEFINITION when the text is not a YAML mapping.
 */
export function replaceUnits(definitionYaml: string, units: UnitDef[]): string {
  const doc = parseDocument(definitionYaml, { keepSourceTokens: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    const why = doc.errors[0]?.message.split('\n')[0] ?? 'the top level is not a mapping';
    throw new DubanError('INVALID_DEFINITION', `the campaign definition is not valid YAML, so its units cannot be replaced: ${why}`);
  }
  const section = unitsToYaml(units);
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'units');
  if (!pair) {
    const sep = definitionYaml === '' || definitionYaml.endsWith('\n\n') ? '' : definitionYaml.endsWith('\n') ? '\n' : '\n\n';
    return `${definitionYaml}${sep}${section}`;
  }
  const key = pair.key as Node;
  const value = pair.value as Node | null;
  const start = lineStart(definitionYaml, key.range![0]);
  // A block list ends after its last line's newline; a flow list or an empty value ends on the key's line.
  const end = value?.range ? value.range[1] : key.range![1];
  const tail = definitionYaml.slice(end);
  const keepsNewline = end > 0 && definitionYaml[end - 1] === '\n';
  const rendered = keepsNewline || tail === '' ? section : section.replace(/\n$/, '');
  return definitionYaml.slice(0, start) + rendered + tail.replace(/^[ \t]*(?=\r?\n|$)/, '');
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
