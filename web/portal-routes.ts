// The units' portal: a signed link is the unit's only credential and shows that unit's obligations in this
// campaign and nothing else. A forged, altered or expired link is refused and changes nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { linkExpiry, linkStillOpen, signUnitLink, unitLinkKey, verifyUnitLink, type UnitLink } from '../access/unit-links';
import { DubanError } from '../domain/errors';
import { civilDateOf, formatInstant } from '../domain/zoned-time';
import { requestExtension, requestView } from '../operations/extension-requests';
import { submitObligation } from '../operations/submissions';
import { readAuditDetail } from '../store/audit';
import { loadCampaign } from '../store/campaigns';
import type { ConsoleDeps } from './deps';
import { readForm, requiredFile } from './uploads';

/** The link the console shows an operator for a unit, the same the unit's letters carry. */
export async function portalUrlFor(deps: Pick<ConsoleDeps, 'db' | 'publicUrl'>, campaignId: string, unitId: string): Promise<string> {
  const { _max } = await deps.db.obligation.aggregate({ where: { campaignId }, _max: { due: true } });
  const token = signUnitLink(await unitLinkKey(deps.db), { campaignId, unitId, expiresOn: linkExpiry(_max.due ?? '2000-01-01') });
  return `${deps.publicUrl}/u/${token}`;
}

const extensionBody = z.object({ to: z.string().max(10), reason: z.string().max(2000) });

export function registerPortalRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { db } = deps;
  const now = () => deps.now?.() ?? Date.now();

  async function linkOf(request: FastifyRequest<{ Params: { token: string } }>): Promise<UnitLink> {
    const link = verifyUnitLink(await unitLinkKey(db), request.params.token);
    const unit = await db.unit.findUnique({ where: { campaignId_unitId: { campaignId: link.campaignId, unitId: link.unitId } } });
    if (!unit) throw new DubanError('LINK_INVALID', '链接无效：所指的单位不存在。请联系发文单位。');
    const { campaign, clock } = await loadCampaign(db, link.campaignId);
    linkStillOpen(link, civilDateOf(clock.at(now()), campaign.timeZone));
    return link;
  }

  async function ownObligation(link: UnitLink, deliverableId: string) {
    const o = await db.obligation.findUnique({ where: { campaignId_unitId_deliverableId: { campaignId: link.campaignId, unitId: link.unitId, deliverableId } } });
    if (!o) throw new DubanError('UNKNOWN_OBLIGATION', `贵单位在本专项行动中没有报送事项“${deliverableId}”`);
    return o;
  }

  app.get<{ Params: { token: string } }>('/api/portal/:token', async (request) => {
    const link = await linkOf(request);
    const { campaign, clock } = await loadCampaign(db, link.campaignId);
    const zone = campaign.timeZone;
    const today = civilDateOf(clock.at(now()), zone);
    const unit = await db.unit.findUniqueOrThrow({ where: { campaignId_unitId: { campaignId: link.campaignId, unitId: link.unitId } } });
    const obligations = await db.obligation.findMany({ where: { campaignId: link.campaignId, unitId: link.unitId }, orderBy: { deliverableId: 'asc' } });
    const submissions = await db.auditEvent.findMany({
      where: { campaignId: link.campaignId, unitId: link.unitId, kind: 'obligation.submit' },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
    const requests = await db.extensionRequest.findMany({ where: { campaignId: link.campaignId, unitId: link.unitId }, orderBy: { id: 'desc' } });
    return {
      campaign: { title: campaign.title, officeName: campaign.officeName },
      unit: { name: unit.name },
      expiresOn: link.expiresOn,
      obligations: obligations.map((o) => {
        const files = submissions
          .filter((s) => s.deliverableId === o.deliverableId)
          .flatMap((s) => {
            const r = readAuditDetail(s);
            return r.kind === 'obligation.submit' && r.detail.event.kind === 'submit' && r.detail.event.fileName
              ? [{ name: r.detail.event.fileName, at: formatInstant(s.at.getTime(), zone) }]
              : [];
          });
        const request = requests.find((r) => r.deliverableId === o.deliverableId);
        return {
          deliverableId: o.deliverableId,
          name: o.deliverableName,
          due: o.due,
          status: o.status,
          overdue: o.status === 'open' && today > o.due,
          submittedAt: o.submittedAt ? formatInstant(o.submittedAt.getTime(), zone) : null,
          files,
          request: request ? requestView(request, zone) : null,
        };
      }),
    };
  });

  app.post<{ Params: { token: string; deliverable: string } }>('/api/portal/:token/:deliverable/submit', async (request) => {
    const link = await linkOf(request);
    await ownObligation(link, request.params.deliverable);
    const form = await readForm(request, deps.maxUploadBytes);
    const state = await submitObligation(deps, {
      campaignId: link.campaignId,
      unitId: link.unitId,
      deliverableId: request.params.deliverable,
      upload: requiredFile(form, 'file', '要报送的文件'),
      actor: `unit:${link.unitId}`,
    });
    return { state };
  });

  app.post<{ Params: { token: string; deliverable: string } }>('/api/portal/:token/:deliverable/extension-request', async (request) => {
    const link = await linkOf(request);
    await ownObligation(link, request.params.deliverable);
    const parsed = extensionBody.safeParse(request.body ?? {});
    if (!parsed.success) throw new DubanError('INVALID_ARGUMENT', '请填写申请延期至的日期和理由');
    const view = await requestExtension(db, { campaignId: link.campaignId, unitId: link.unitId, deliverableId: request.params.deliverable, ...parsed.data }, now());
    return { request: view };
  });
}
