// The baseline's one activity: one mail over SMTP with nodemailer (mail/mailer.ts: a new connection each).
import type { Mailer } from '../../mail/mailer';
import type { BareBurstInput } from './workflows';

/** A letter every mail carries instead of one line (`burst --bare-same-letter`): duban's words and .docx, made once. */
export interface BareLetter {
  text: string;
  attachment: { filename: string; content: Buffer };
}

export function createBareActivities(mailer: Mailer, letter?: BareLetter) {
  return {
    async sendOneMail(input: BareBurstInput): Promise<void> {
      await mailer.send({
        from: '"基准测试" <bench@bare.example>',
        to: [input.to],
        cc: [],
        subject: `基准测试 ${input.key}`,
        text: letter ? letter.text : `基准测试邮件 ${input.key}`,
        messageId: `<${input.key}@bench-bare>`,
        headers: { 'X-Bench-Key': input.key },
        attachments: letter ? [letter.attachment] : undefined,
      });
    },
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
