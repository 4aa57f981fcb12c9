// An OfficialLetter as a .docx laid out to GB/T 9704-2012 (党政机关公文格式), attached to the letter's e-mail
// besides its plain-text body (letters/official.ts). Pure apart from the docx library: no file or network I/O.
// What of the standard is followed and what is approximated: docs/letters-docx.md.
import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  ExternalHyperlink,
  Footer,
  Header,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  RelativeVerticalPosition,
  Table,
  TableAnchorType,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import { TextWatermark } from 'docx/watermarks';
import { chineseDate } from '../domain/zoned-time';
import { type OfficialLetter, PORTAL_SENTENCE } from './official';

const mm = (x: number) => Math.round((x * 1440) / 25.4); // millimetres → twips (1/20 pt)

// Page (GB/T 9704 5.2.1, 5.2.2): A4, 版心 156 × 225 mm, 天头 37 mm, 订口 28 mm.
const PAGE = { width: 11906, height: 16838 };
const MARGIN = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right; // 8845 twips = 156 mm
/** 22 lines in the 225 mm 版心: 579 twips = 28.95 pt (GB/T 9704 5.2.3). */
const LINE = Math.floor((PAGE.height - MARGIN.top - MARGIN.bottom) / 22);
/** 28 characters in the 156 mm line: one 3号 character and its share of the line, ≈ 316 twips. */
const CHAR = TEXT_WIDTH / 28;
/**
 * 16 pt characters fill 27.6 to a line; condensed by 0.25 pt (in twips), 28 fit (441 of 442.25 pt). A character grid
 * (w:docGrid linesAndChars) would do the same in Word but spreads every character over two cells in LibreOffice.
 */
const CONDENSE = -5;

// Sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt.
const SIZE_2 = 44;
const SIZE_3 = 32;
const SIZE_4 = 28;

const RED = 'FF0000';
// Font names as the reader's machine has them (not embedded); word/fontTable.xml names a fallback for each.
const FANGSONG = '仿宋_GB2312';
const KAITI = '楷体_GB2312';
const HEITI = '黑体';
const SONGTI = '宋体';
const XIAOBIAOSONG = '方正小标宋简体';
const LATIN = 'Times New Roman';

const font = (eastAsia: string, latin = LATIN) => ({ eastAsia, ascii: latin, hAnsi: latin, cs: latin });
const exactly = (line: number, before = 0) => ({ line, lineRule: LineRuleType.EXACT, before, after: 0 });

/** Width of a text in characters (full-width 1, ASCII ½), for the indents that centre the 落款. */
const widthInChars = (text: string) => [...text].reduce((w, c) => w + (c.charCodeAt(0) < 0x80 ? 0.5 : 1), 0);

/** The same words as the plain-text body (letters/official.ts). */
const REHEARSAL_LINE = '【演练】本函为系统演练生成，不是正式公文。';

type ParagraphOptions = Exclude<ConstructorParameters<typeof Paragraph>[0], string>;
/** A paragraph on the 28.95 pt line, without the space Word and WPS put between digits and Chinese (2022年, not 2022 年). */
const para = (options: ParagraphOptions) => new Paragraph({ spacing: exactly(LINE), autoSpaceEastAsianText: false, ...options });
const blank = () => para({ children: [] });

/** A paragraph of the 正文: 3号仿宋, justified, 首行缩进二字; a leading 一、 / （一） level set in 黑体 / 楷体. */
function bodyParagraph(text: string, keepNext = false): Paragraph {
  const level = /^[一二三四五六七八九十]+、/.test(text) ? HEITI : /^（[一二三四五六七八九十]+）/.test(text) ? KAITI : undefined;
  const end = text.indexOf('。') + 1 || text.length;
  const runs = level
    ? [new TextRun({ text: text.slice(0, end), font: font(level) }), ...(end < text.length ? [new TextRun(text.slice(end))] : [])]
    : [new TextRun(text)];
  return para({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: Math.round(2 * CHAR), firstLineChars: 200 },
    keepNext,
    children: runs,
  });
}

/** 发文机关标志: red 小标宋 centred, its upper edge `before` below the 版心's; on one line where it fits, at most 初号 (42 pt), at least 2号. */
function issuerMark(issuer: string, before: number): Paragraph {
  const points = Math.max(22, Math.min(42, Math.floor((0.95 * TEXT_WIDTH) / 20 / widthInChars(issuer))));
  const line = Math.round(points * 20 * 1.25);
  return para({
    alignment: AlignmentType.CENTER,
    // An exact line puts its leading above the characters, and a character's ink starts about 0.1 em below its
    // em box: the space before stops that much short of `before`.
    spacing: exactly(line, Math.max(0, Math.round(before - (line - points * 20) - points * 2))),
    children: [new TextRun({ text: issuer, font: font(XIAOBIAOSONG, XIAOBIAOSONG), size: points * 2, color: RED })],
  });
}

/** 版记 (GB/T 9704 7.4): 抄送 and 印发机关和印发日期 between 分隔线, its last line on the 版心's lower edge. */
function colophon(letter: OfficialLetter): Table {
  const side = 280; // 左右各空一字 of 4号
  const run = (text: string) => new TextRun({ text, size: SIZE_4 });
  const cell = (paragraph: Paragraph) =>
    new TableCell({ width: { size: TEXT_WIDTH, type: WidthType.DXA }, verticalAlign: VerticalAlignTable.CENTER, children: [paragraph] });
  const rows: TableRow[] = [];
  if (letter.cc.length) {
    const label = '抄送：';
    rows.push(
      new TableRow({
        children: [
          cell(
            para({
                    indent: { left: side + 3 * side, hanging: 3 * side, right: side },
              children: [run(`${label}${letter.cc.join('，')}。`)],
            }),
          ),
        ],
      }),
    );
  }
  rows.push(
    new TableRow({
      children: [
        cell(
          para({
                indent: { left: side, right: side },
            tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - side }],
            children: [run(letter.issuer), run(`\t${chineseDate(letter.date)}印发`)],
          }),
        ),
      ],
    }),
  );
  const thick = { style: BorderStyle.SINGLE, size: 8, color: '000000' }; // ≈ 0.35 mm
  const thin = { style: BorderStyle.SINGLE, size: 6, color: '000000' }; // ≈ 0.25 mm
  const none = { style: BorderStyle.NONE, size: 0, color: 'auto' };
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [TEXT_WIDTH],
    layout: TableLayoutType.FIXED,
    margins: { left: 0, right: 0, top: 0, bottom: 0 },
    float: {
      horizontalAnchor: TableAnchorType.MARGIN,
      absoluteHorizontalPosition: 0,
      verticalAnchor: TableAnchorType.MARGIN,
      relativeVerticalPosition: RelativeVerticalPosition.BOTTOM,
    },
    borders: { top: thick, bottom: thick, insideHorizontal: thin, left: none, right: none, insideVertical: none },
    rows,
  });
}

/** 页码 (GB/T 9704 7.5): 4号半角宋体, "— 1 —", 单页码居右空一字, 双页码居左空一字. */
function pageNumber(odd: boolean): Footer {
  const run = (children: (string | (typeof PageNumber)[keyof typeof PageNumber])[]) =>
    new TextRun({ children, size: SIZE_4, font: font(SONGTI, SONGTI) });
  return new Footer({
    children: [
      para({
        alignment: odd ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: odd ? { right: 280 } : { left: 280 },
        children: [run(['— ', PageNumber.CURRENT, ' —'])],
      }),
    ],
  });
}

function watermark(): Header {
  return new Header({
    children: [para({ children: [new TextWatermark({ text: '演练', font: HEITI, color: RED, opacity: 0.2 })] })],
  });
}

/** word/fontTable.xml naming each font and the one to use where it is missing (w:altName). */
function fontTable(): string {
  const entry = (name: string, alt: string, family: string) =>
    `<w:font w:name="${name}"><w:altName w:val="${alt}"/><w:charset w:val="86"/><w:family w:val="${family}"/><w:pitch w:val="variable"/></w:font>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    entry(FANGSONG, '仿宋', 'modern') +
    entry('仿宋', 'FangSong', 'modern') +
    entry(KAITI, '楷体', 'modern') +
    entry(XIAOBIAOSONG, SONGTI, 'script') +
    entry(SONGTI, 'SimSun', 'auto') +
    entry(HEITI, 'SimHei', 'modern') +
    `<w:font w:name="${LATIN}"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
    '</w:fonts>'
  );
}

/** The letter as a .docx (a zip), laid out to GB/T 9704-2012. */
export async function officialLetterDocx(letter: OfficialLetter): Promise<Buffer> {
  const date = chineseDate(letter.date);
  const children: (Paragraph | Table)[] = [];

  // 版头 (7.2): 发文机关标志 35 mm below the 版心's upper edge; a rehearsal's red line takes the first of that space.
  let markBefore = mm(35);
  if (letter.rehearsal) {
    children.push(
      para({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ text: REHEARSAL_LINE, font: font(HEITI), color: RED })],
      }),
    );
    markBefore -= LINE;
  }
  children.push(issuerMark(letter.issuer, markBefore), blank(), blank());
  // 发文字号 centred, the red 版头 separator 4 mm below it across the 版心 (7.2.4, 7.2.6).
  const separator = { bottom: { style: BorderStyle.SINGLE, size: 12, color: RED, space: 5 } };
  children.push(
    para({
      alignment: AlignmentType.CENTER,
      border: separator,
      children: letter.documentNumber ? [new TextRun(letter.documentNumber)] : [],
    }),
  );

  // 主体 (7.3): 标题 two lines below the separator, 主送 one line below the title, 正文 right after.
  children.push(
    blank(),
    blank(),
    para({
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: letter.title, font: font(XIAOBIAOSONG, XIAOBIAOSONG), size: SIZE_2 })],
    }),
    blank(),
    para({ children: [new TextRun(`${letter.mainRecipients.join('、')}：`)] }),
    // The last paragraph of the 正文 stays on the page of the 落款 (no 落款 on a page of its own, 7.3.5.3).
    ...letter.body.map((text, i) => bodyParagraph(text, !letter.portalUrl && i === letter.body.length - 1)),
  );
  if (letter.portalUrl) {
    children.push(
      bodyParagraph(letter.portalSentence ?? PORTAL_SENTENCE, true),
      para({
        indent: { firstLine: Math.round(2 * CHAR), firstLineChars: 200 },
        keepNext: true,
        children: [new ExternalHyperlink({ link: letter.portalUrl, children: [new TextRun({ text: letter.portalUrl, underline: {} })] })],
      }),
    );
  }

  // 落款 (7.3.5): one line below the 正文; 成文日期 右空四字, the issuer centred over it.
  const dateRight = 4 * CHAR;
  const issuerRight = Math.max(0, dateRight + ((widthInChars(date) - widthInChars(letter.issuer)) / 2) * CHAR);
  const signature = (text: string, right: number, keepNext: boolean) =>
    para({ alignment: AlignmentType.RIGHT, indent: { right: Math.round(right) }, keepNext, children: [new TextRun(text)] });
  children.push(
    para({ keepNext: true, children: [] }),
    signature(letter.issuer, issuerRight, true),
    signature(date, dateRight, letter.contact !== undefined),
  );
  // 附注 (7.3.6): the line after the date, 居左空二字.
  if (letter.contact) {
    children.push(
      para({
        indent: { firstLine: Math.round(2 * CHAR), firstLineChars: 200 },
        children: [new TextRun(`（联系人：${letter.contact.name}，电话：${letter.contact.phone}）`)],
      }),
    );
  }

  // 版记 (7.4) at the foot of the last page, and the paragraph Word wants after a table.
  children.push(colophon(letter), para({ spacing: exactly(20), children: [new TextRun({ text: '', size: 2 })] }));

  const doc = new Document({
    title: letter.rehearsal ? `【演练】${letter.title}` : letter.title,
    subject: letter.documentNumber,
    creator: letter.issuer,
    lastModifiedBy: letter.issuer,
    keywords: letter.rehearsal ? '演练' : undefined,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { font: font(FANGSONG), size: SIZE_3, characterSpacing: CONDENSE, language: { value: 'en-US', eastAsia: 'zh-CN' } },
          paragraph: { spacing: exactly(LINE) },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: PAGE,
            margin: { ...MARGIN, header: mm(15), footer: mm(22) },
          },
          grid: { type: DocumentGridType.LINES, linePitch: LINE },
        },
        headers: letter.rehearsal ? { default: watermark(), even: watermark() } : undefined,
        footers: { default: pageNumber(true), even: pageNumber(false) },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc, false, [{ path: 'word/fontTable.xml', data: fontTable() }]);
}

/** The letter as an e-mail attachment: its .docx, named by its 标题 (characters no file system takes replaced). */
export async function docxAttachment(letter: OfficialLetter): Promise<{ filename: string; content: Buffer }> {
  return { filename: `${letter.title.replace(/[\\/:*?"<>|\r\n]/g, '_')}.docx`, content: await officialLetterDocx(letter) };
}
