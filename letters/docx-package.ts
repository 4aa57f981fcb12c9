// An OfficialLetter as a .docx built with the docx package: the reference layout (GB/T 9704-2012) that
// letters/docx.ts writes directly. Its fixed parts (styles, settings, font table, footers, the watermark's header…)
// are taken from here once; tests/letter-docx.test.ts checks that the document parts written directly match these,
// and `npm run bench -- docx` times both. Pure apart from the docx library: no file or network I/O.
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
import {
  CONDENSE,
  FANGSONG,
  FIRST_LINE,
  HEITI,
  KAITI,
  LATIN,
  LINE,
  MARGIN,
  PAGE,
  RED,
  REHEARSAL_LINE,
  SIDE_4,
  SIZE_2,
  SIZE_3,
  SIZE_4,
  SONGTI,
  TEXT_WIDTH,
  XIAOBIAOSONG,
  bodyLevel,
  issuerMark,
  markBefore,
  mm,
  signatureIndents,
} from './docx-layout';
import { type OfficialLetter, PORTAL_SENTENCE } from './official';

const font = (eastAsia: string, latin = LATIN) => ({ eastAsia, ascii: latin, hAnsi: latin, cs: latin });
const exactly = (line: number, before = 0) => ({ line, lineRule: LineRuleType.EXACT, before, after: 0 });

type ParagraphOptions = Exclude<ConstructorParameters<typeof Paragraph>[0], string>;
/** A paragraph on the 28.95 pt line, without the space Word and WPS put between digits and Chinese (2022年, not 2022 年). */
const para = (options: ParagraphOptions) => new Paragraph({ spacing: exactly(LINE), autoSpaceEastAsianText: false, ...options });
const blank = () => para({ children: [] });

/** A paragraph of the 正文: 3号仿宋, justified, 首行缩进二字; a leading 一、 / （一） level set in 黑体 / 楷体. */
function bodyParagraph(text: string, keepNext = false): Paragraph {
  const level = bodyLevel(text);
  const runs = level
    ? [
        new TextRun({ text: text.slice(0, level.end), font: font(level.font) }),
        ...(level.end < text.length ? [new TextRun(text.slice(level.end))] : []),
      ]
    : [new TextRun(text)];
  return para({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: FIRST_LINE, firstLineChars: 200 },
    keepNext,
    children: runs,
  });
}

/** 发文机关标志: red 小标宋 centred, its upper edge `before` below the 版心's. */
function issuerMarkParagraph(issuer: string, before: number): Paragraph {
  const { points, line, spaceBefore } = issuerMark(issuer, before);
  return para({
    alignment: AlignmentType.CENTER,
    spacing: exactly(line, spaceBefore),
    children: [new TextRun({ text: issuer, font: font(XIAOBIAOSONG, XIAOBIAOSONG), size: points * 2, color: RED })],
  });
}

/** 版记 (GB/T 9704 7.4): 抄送 and 印发机关和印发日期 between 分隔线, its last line on the 版心's lower edge. */
function colophon(letter: OfficialLetter): Table {
  const side = SIDE_4;
  const run = (text: string) => new TextRun({ text, size: SIZE_4 });
  const cell = (paragraph: Paragraph) =>
    new TableCell({ width: { size: TEXT_WIDTH, type: WidthType.DXA }, verticalAlign: VerticalAlignTable.CENTER, children: [paragraph] });
  const rows: TableRow[] = [];
  if (letter.cc.length) {
    rows.push(
      new TableRow({
        children: [
          cell(para({ indent: { left: side + 3 * side, hanging: 3 * side, right: side }, children: [run(`抄送：${letter.cc.join('，')}。`)] })),
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
        indent: odd ? { right: SIDE_4 } : { left: SIDE_4 },
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

/** The letter as a .docx (a zip) built with the docx package. */
export async function officialLetterDocxWithPackage(letter: OfficialLetter): Promise<Buffer> {
  const date = chineseDate(letter.date);
  const children: (Paragraph | Table)[] = [];

  // 版头 (7.2): 发文机关标志 35 mm below the 版心's upper edge; a rehearsal's red line takes the first of that space.
  if (letter.rehearsal) {
    children.push(para({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: REHEARSAL_LINE, font: font(HEITI), color: RED })] }));
  }
  children.push(issuerMarkParagraph(letter.issuer, markBefore(letter.rehearsal ?? false)), blank(), blank());
  // 发文字号 centred, the red 版头 separator 4 mm below it across the 版心 (7.2.4, 7.2.6).
  const separator = { bottom: { style: BorderStyle.SINGLE, size: 12, color: RED, space: 5 } };
  children.push(
    para({ alignment: AlignmentType.CENTER, border: separator, children: letter.documentNumber ? [new TextRun(letter.documentNumber)] : [] }),
  );

  // 主体 (7.3): 标题 two lines below the separator, 主送 one line below the title, 正文 right after.
  children.push(
    blank(),
    blank(),
    para({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: letter.title, font: font(XIAOBIAOSONG, XIAOBIAOSONG), size: SIZE_2 })] }),
    blank(),
    para({ children: [new TextRun(`${letter.mainRecipients.join('、')}：`)] }),
    // The last paragraph of the 正文 stays on the page of the 落款 (no 落款 on a page of its own, 7.3.5.3).
    ...letter.body.map((text, i) => bodyParagraph(text, !letter.portalUrl && i === letter.body.length - 1)),
  );
  if (letter.portalUrl) {
    children.push(
      bodyParagraph(letter.portalSentence ?? PORTAL_SENTENCE, true),
      para({
        indent: { firstLine: FIRST_LINE, firstLineChars: 200 },
        keepNext: true,
        children: [new ExternalHyperlink({ link: letter.portalUrl, children: [new TextRun({ text: letter.portalUrl, underline: {} })] })],
      }),
    );
  }

  // 落款 (7.3.5): one line below the 正文; 成文日期 右空四字, the issuer centred over it.
  const indents = signatureIndents(letter.issuer, date);
  const signature = (text: string, right: number, keepNext: boolean) =>
    para({ alignment: AlignmentType.RIGHT, indent: { right }, keepNext, children: [new TextRun(text)] });
  children.push(
    para({ keepNext: true, children: [] }),
    signature(letter.issuer, indents.issuer, true),
    signature(date, indents.date, letter.contact !== undefined),
  );
  // 附注 (7.3.6): the line after the date, 居左空二字.
  if (letter.contact) {
    children.push(
      para({
        indent: { firstLine: FIRST_LINE, firstLineChars: 200 },
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
          page: { size: PAGE, margin: { ...MARGIN, header: mm(15), footer: mm(22) } },
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
