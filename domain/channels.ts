// Group robots (群机器人) beside e-mail: a unit may give the webhooks of its 企业微信, 政务微信 or 钉钉 groups, and every
// letter that goes to the unit by e-mail also goes to each of them as a short markdown message — its subject, a line
// saying the 公文 itself went by e-mail, and the unit's portal link. Pure: the messages, the requests' bodies and
// how a robot's answer is read; activities/channels.ts talks to the robots.
import type { CivilDate } from './calendar';
import { chineseDate } from './zoned-time';

/** 企业微信, 钉钉, and 政务微信 (whose group robot takes 企业微信's messages). */
export type ChannelKind = 'wecom' | 'dingtalk' | 'govwechat';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['wecom', 'dingtalk', 'govwechat'];
export const CHANNEL_NAMES: Record<ChannelKind, string> = { wecom: '企业微信', dingtalk: '钉钉', govwechat: '政务微信' };

export interface Webhook {
  kind: ChannelKind;
  url: string;
  /** 钉钉's 加签 secret (SEC…): the request is then signed. */
  secret?: string;
}

/** A robot of a unit, as its letters' deliveries name it: kind and place in the unit's list (wecom-1, dingtalk-2). */
export function channelId(webhooks: readonly Webhook[], index: number): string {
  return `${webhooks[index].kind}-${index + 1}`;
}

/** The robot as the record shows it: its kind, place and host, never its address (whose key is a credential). */
export function robotLabel(webhooks: readonly Webhook[], index: number): string {
  const w = webhooks[index];
  return `${CHANNEL_NAMES[w.kind]} ${channelId(webhooks, index)}，${new URL(w.url).host}`;
}

export interface RobotMessage {
  /** The letter's subject. */
  title: string;
  /** Markdown, a few lines. */
  text: string;
}

/** What a robot says to the unit's group about a letter e-mailed to it. */
export function robotMessage(m: { subject: string; unitName: string; email: string; sentOn: string; deadline?: CivilDate; portalUrl?: string }): RobotMessage {
  const lines = [
    `**${m.subject}**`,
    `${m.unitName}：上述文件已于${m.sentOn}发送至贵单位邮箱 ${m.email}，请查收并按要求办理。`,
    ...(m.deadline ? [`报送截止日期：${chineseDate(m.deadline)}`] : []),
    ...(m.portalUrl ? [`[进入报送页面](${m.portalUrl})`] : []),
  ];
  return { title: m.subject, text: lines.join('\n\n') };
}

/** The body of the webhook request: 企业微信's (and 政务微信's) markdown message, or 钉钉's. */
export function robotRequestBody(kind: ChannelKind, m: RobotMessage): string {
  if (kind === 'dingtalk') return JSON.stringify({ msgtype: 'markdown', markdown: { title: m.title, text: m.text } });
  return JSON.stringify({ msgtype: 'markdown', markdown: { content: m.text } });
}

/**
 * Whether the robot took the message: HTTP 2xx and `errcode` 0 (both robots answer 200 with an errcode on a refusal,
 * e.g. 企业微信 93000 for a wrong key, 钉钉 310000 for a bad signature or a missing keyword). Anything else is retried.
 */
export function robotAnswer(status: number, body: string): { ok: true } | { ok: false; reason: string } {
  if (status < 200 || status >= 300) return { ok: false, reason: `HTTP ${status}: ${body.slice(0, 200)}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: `not a robot's answer: ${body.slice(0, 200)}` };
  }
  const errcode = (parsed as { errcode?: unknown } | null)?.errcode;
  if (errcode === 0) return { ok: true };
  const errmsg = (parsed as { errmsg?: unknown }).errmsg;
  return { ok: false, reason: `errcode ${String(errcode)}: ${String(errmsg ?? '')}` };
}
