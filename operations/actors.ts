// Who acted, as the record names them: `operator:NAME` (the console), `unit:ID` (a unit's portal link),
// `cli:LOGIN` (an account added from the CLI), or the CLI's own operator name.

/** The actor as a person reads it. */
export function actorName(actor: string, unitName?: string): string {
  if (actor.startsWith('unit:')) return `${unitName ?? actor.slice(5)}（报送链接）`;
  if (actor.startsWith('operator:')) return actor.slice(9);
  return actor;
}
