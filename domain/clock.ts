// The campaign clock. Campaign time is the Temporal server's time plus an offset: 0 in production; in a
// `duban simulate` rehearsal the time-skipping server starts today, so the offset carries it back to the
// campaign's own dates. This is the one place that applies the offset.
export class CampaignClock {
  constructor(readonly offsetMs: number) {}

  /** Campaign time at server time `serverMs` (a workflow's Date.now(), an activity's scheduled time). */
  at(serverMs: number): number {
    return serverMs + this.offsetMs;
  }

  /**
   * Campaign time now, outside a workflow: the wall clock in production; in a rehearsal the wall clock does
   * not follow the skipped server, so the server time the caller knows (an activity's scheduled time) counts.
   */
  current(wallMs: number, serverMs: () => number): number {
    return this.offsetMs === 0 ? wallMs : this.at(serverMs());
  }

  /** Server time at campaign time `campaignMs`. */
  serverTimeAt(campaignMs: number): number {
    return campaignMs - this.offsetMs;
  }
}
