// The unit's own portal link (报送链接) that letters carry when the console's public address is known.
import { linkExpiry, signUnitLink, unitLinkKey } from '../access/unit-links';
import type { CivilDate } from '../domain/calendar';
import type { Db } from '../store/db';

/**
 * Builds each unit's link, valid until 30 days after the later of the campaign's last deadline and the letter's
 * deadline; undefined without a public address. The signing key is read once.
 */
export function portalLinks(deps: { db: Db; publicUrl?: string }) {
  let linkKey: Promise<Buffer> | undefined;
  return async function portalUrl(args: { campaignId: string; unitId: string; deadline: CivilDate; lastDue: CivilDate }): Promise<string | undefined> {
    if (!deps.publicUrl) return undefined;
    linkKey ??= unitLinkKey(deps.db);
    linkKey.catch(() => (linkKey = undefined));
    const last = args.deadline > args.lastDue ? args.deadline : args.lastDue;
    const token = signUnitLink(await linkKey, { campaignId: args.campaignId, unitId: args.unitId, expiresOn: linkExpiry(last) });
    return `${deps.publicUrl.replace(/\/+$/, '')}/u/${token}`;
  };
}
