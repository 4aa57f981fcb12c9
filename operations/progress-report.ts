// 报送情况通报 for a date: where every obligation of a campaign stood at the end of that day, ranked, as a 公文
// the office issues through its own channel (a preview and a .docx; duban does not send it or number it).
import { isCivilDate, workingDaysOf } from '../domain/calendar';
import { DubanError } from '../domain/errors';
import { civilDateOf } from '../domain/zoned-time';
import { type OfficialLetter, officialLetterText } from '../letters/official';
import { type ProgressEntry, renderProgressReport } from '../letters/progress-report';
import { lettersOf, loadCampaign } from '../store/campaigns';
import type { Db } from '../store/db';

export interface ProgressReport {
  asOf: string;
  letter: OfficialLetter;
  text: string;
}

/** `asOf` defaults to the campaign's today (`serverNow` on its clock). */
export async function progressReport(db: Db, campaignId: string, asOf: string | undefined, serverNow: number = Date.now()): Promise<ProgressReport> {
  const { campaign, settings, clock } = await loadCampaign(db, campaignId);
  const zone = campaign.timeZone;
  const today = civilDateOf(clock.at(serverNow), zone);
  const day = asOf?.trim() || today;
  if (!isCivilDate(day)) throw new DubanError('INVALID_ARGUMENT', `日期“${day}”无效，应形如 2022-10-20`);
  if (day > today) throw new DubanError('INVALID_ARGUMENT', `日期 ${day} 还未到（今天是 ${today}）：报送情况只能通报到今天为止`);
  const [units, obligations] = await Promise.all([db.unit.findMany({ where: { campaignId } }), db.obligation.findMany({ where: { campaignId } })]);
  const unitName = new Map(units.map((u) => [u.unitId, u.name]));
  const days = workingDaysOf(settings.calendar);
  const entries: ProgressEntry[] = obligations
    .filter((o) => o.status !== 'waived')
    .map((o) => {
      const base = { unitName: unitName.get(o.unitId) ?? o.unitId, deliverableName: o.deliverableName, due: o.due };
      const submittedOn = o.submittedAt ? civilDateOf(o.submittedAt.getTime(), zone) : undefined; // recorded on the campaign clock
      if (o.status === 'submitted' && submittedOn && submittedOn <= day) {
        const late = o.lateWorkingDays ?? 0;
        return { ...base, state: late > 0 ? 'late' : 'on_time', submittedOn, lateWorkingDays: late };
      }
      return { ...base, state: 'outstanding', lateWorkingDays: days.workingDaysAfter(o.due, day) };
    });
  const letters = lettersOf(settings, campaign.officeName);
  const letter = renderProgressReport({
    campaignTitle: campaign.title,
    asOf: day,
    entries,
    allUnits: units.map((u) => ({ name: u.name, email: u.email, type: u.type })),
    basis: letters.basis,
    ...(letters.contact ? { contact: letters.contact } : {}),
    cc: letters.cc,
    issuer: letters.issuer.office,
  });
  return { asOf: day, letter, text: officialLetterText(letter) };
}
