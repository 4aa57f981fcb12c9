// An OfficialLetter as a .docx laid out to GB/T 9704-2012 (党政机关公文格式), attached to the letter's e-mail
// besides its plain-text body (letters/official.ts). Pure apart from the docx library: no file or network I/O.
import { AlignmentType, Document, Packer, Paragraph, TextRun } from 'docx';
import { chineseDate } from '../domain/zoned-time';
import type { OfficialLetter } from './official';

export async function officialLetterDocx(letter: OfficialLetter): Promise<Buffer> {
  const p = (text: string, alignment: (typeof AlignmentType)[keyof typeof AlignmentType] = AlignmentType.LEFT) =>
    new Paragraph({ alignment, children: [new TextRun(text)] });
  const children = [
    p(letter.issuer, AlignmentType.CENTER),
    ...(letter.documentNumber ? [p(letter.documentNumber, AlignmentType.CENTER)] : []),
    p(letter.title, AlignmentType.CENTER),
    p(`${letter.mainRecipients.join('、')}：`),
    ...letter.body.map((t) => p(t, AlignmentType.BOTH)),
    p(letter.issuer, AlignmentType.RIGHT),
    p(chineseDate(letter.date), AlignmentType.RIGHT),
  ];
  const doc = new Document({ title: letter.title, creator: letter.issuer, sections: [{ children }] });
  return Packer.toBuffer(doc);
}
