// The baseline's one activity: one mail over SMTP with nodemailer (mail/mailer.ts: a new connection each).
import type { Mailer } from '../../mail/mailer';
import type { BareBurstInput } from './workflows';

export function createBareActivities(mailer: Mailer) {
  return {
    async sendOneMail(input: BareBurstInput): Promise<void> {
      await mailer.send({
        from: '"基准测试" <bench@bare.example>',
        to: [input.to],
        cc: [],
        subject: `基准测试 ${input.key}`,
        text: `基准测试邮件 ${input.key}`,
        messageId: `<${input.key}@bench-bare>`,
        headers: { 'X-Bench-Key': input.key },
      });
    },
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
