// An OfficialLetter as a .docx laid out to GB/T 9704-2012 (党政机关公文格式), attached to the letter's e-mail
// besides its plain-text body (letters/official.ts). What of the standard is followed and what is approximated,
// and how the file is made: docs/letters-docx.md.
//
// Only word/document.xml, docProps/core.xml and the document's relationships differ from letter to letter: they
// are written here as strings. Every other part is the docx package's (letters/docx-package.ts, the reference
// layout), built once per process and kept compressed. Pure: no file or network I/O.
import { chineseDate } from '../domain/zoned-time';
import {
  FIRST_LINE,
  HEITI,
  LATIN,
  LINE,
  RED,
  REHEARSAL_LINE,
  SIDE_4,
  SIZE_2,
  SIZE_4,
  TEXT_WIDTH,
  XIAOBIAOSONG,
  bodyLevel,
  issuerMark,
  markBefore,
  signatureIndents,
} from './docx-layout';
import { officialLetterDocxWithPackage } from './docx-package';
import { type OfficialLetter, PORTAL_SENTENCE } from './official';
import { type ZipEntry, unzip, zip, zipEntry } from './zip';

/** XML text and attribute values, escaped as the docx package does (characters XML 1.0 forbids are dropped). */
const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&apos;', '<': '&lt;', '>': '&gt;' };
const esc = (text: string) => text.replace(/[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F]/g, (c) => ESCAPES[c] ?? '');

// ——— word/document.xml, element by element as the docx package writes it ———

const AUTO_SPACE = '<w:autoSpaceDN w:val="false"/>';
const spacing = (line: number, before = 0) => `<w:spacing w:after="0" w:before="${before}" w:line="${line}" w:lineRule="exact"/>`;
const LINE_SPACING = spacing(LINE);
const rFonts = (eastAsia: string, latin = LATIN) =>
  `<w:rFonts w:ascii="${latin}" w:cs="${latin}" w:eastAsia="${eastAsia}" w:hAnsi="${latin}"/>`;
const size = (halfPoints: number) => `<w:sz w:val="${halfPoints}"/><w:szCs w:val="${halfPoints}"/>`;
/** A run; `rPr` is its properties' XML, if any. */
const run = (text: string, rPr = '') => `<w:r>${rPr && `<w:rPr>${rPr}</w:rPr>`}<w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;
const keepNext = (keep: boolean | undefined) => (keep === undefined ? '' : keep ? '<w:keepNext/>' : '<w:keepNext w:val="false"/>');

interface ParagraphXml {
  keep?: boolean;
  border?: string;
  tabs?: string;
  spacing?: string;
  ind?: string;
  jc?: 'center' | 'both' | 'right';
}
/** A paragraph on the 28.95 pt line, without the space Word and WPS put between digits and Chinese (2022年, not 2022 年). */
const para = (p: ParagraphXml, runs = '') =>
  `<w:p><w:pPr>${keepNext(p.keep)}${p.border ?? ''}${p.tabs ?? ''}${p.spacing ?? LINE_SPACING}${p.ind ?? ''}${
    p.jc ? `<w:jc w:val="${p.jc}"/>` : ''
  }${AUTO_SPACE}</w:pPr>${runs}</w:p>`;
const BLANK = para({});
const FIRST_LINE_IND = `<w:ind w:firstLine="${FIRST_LINE}" w:firstLineChars="200"/>`;

/** A paragraph of the 正文: 3号仿宋, justified, 首行缩进二字; a leading 一、 / （一） level set in 黑体 / 楷体. */
function bodyParagraph(text: string, keep: boolean): string {
  const level = bodyLevel(text);
  const runs = level
    ? run(text.slice(0, level.end), rFonts(level.font)) + (level.end < text.length ? run(text.slice(level.end)) : '')
    : run(text);
  return para({ keep, ind: FIRST_LINE_IND, jc: 'both' }, runs);
}

const PORTAL_REL = 'rIdPortal';

/** 版记 (GB/T 9704 7.4): 抄送 and 印发机关和印发日期 between 分隔线, its last line on the 版心's lower edge. */
function colophon(letter: OfficialLetter, date: string): string {
  const side = SIDE_4;
  const cell = (paragraph: string) =>
    `<w:tr><w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${TEXT_WIDTH}"/><w:vAlign w:val="center"/></w:tcPr>${paragraph}</w:tc></w:tr>`;
  const small = size(SIZE_4);
  const rows = [
    letter.cc.length
      ? cell(para({ ind: `<w:ind w:left="${4 * side}" w:right="${side}" w:hanging="${3 * side}"/>` }, run(`抄送：${letter.cc.join('，')}。`, small)))
      : '',
    cell(
      para(
        {
          tabs: `<w:tabs><w:tab w:val="right" w:pos="${TEXT_WIDTH - side}"/></w:tabs>`,
          ind: `<w:ind w:left="${side}" w:right="${side}"/>`,
        },
        run(letter.issuer, small) + run(`\t${date}印发`, small),
      ),
    ),
  ];
  const thick = 'w:val="single" w:color="000000" w:sz="8"'; // ≈ 0.35 mm
  const thin = 'w:val="single" w:color="000000" w:sz="6"'; // ≈ 0.25 mm
  const none = 'w:val="none" w:color="auto" w:sz="0"';
  return (
    '<w:tbl><w:tblPr><w:tblpPr w:tblpX="0" w:horzAnchor="margin" w:tblpYSpec="bottom" w:vertAnchor="margin"/>' +
    `<w:tblW w:type="dxa" w:w="${TEXT_WIDTH}"/>` +
    `<w:tblBorders><w:top ${thick}/><w:left ${none}/><w:bottom ${thick}/><w:right ${none}/><w:insideH ${thin}/><w:insideV ${none}/></w:tblBorders>` +
    '<w:tblLayout w:type="fixed"/>' +
    '<w:tblCellMar><w:top w:type="dxa" w:w="0"/><w:left w:type="dxa" w:w="0"/><w:bottom w:type="dxa" w:w="0"/><w:right w:type="dxa" w:w="0"/></w:tblCellMar>' +
    `</w:tblPr><w:tblGrid><w:gridCol w:w="${TEXT_WIDTH}"/></w:tblGrid>${rows.join('')}</w:tbl>`
  );
}

/** The paragraphs and table of the letter's body, in order (the same as the reference's). */
function body(letter: OfficialLetter): string {
  const date = chineseDate(letter.date);
  const out: string[] = [];
  const rehearsal = letter.rehearsal ?? false;

  // 版头 (7.2): 发文机关标志 35 mm below the 版心's upper edge; a rehearsal's red line takes the first of that space.
  if (rehearsal) out.push(para({ jc: 'center' }, run(REHEARSAL_LINE, `${rFonts(HEITI)}<w:color w:val="${RED}"/>`)));
  const mark = issuerMark(letter.issuer, markBefore(rehearsal));
  out.push(
    para(
      { spacing: spacing(mark.line, mark.spaceBefore), jc: 'center' },
      run(letter.issuer, `${rFonts(XIAOBIAOSONG, XIAOBIAOSONG)}<w:color w:val="${RED}"/>${size(mark.points * 2)}`),
    ),
    BLANK,
    BLANK,
  );
  // 发文字号 centred, the red 版头 separator 4 mm below it across the 版心 (7.2.4, 7.2.6).
  const separator = `<w:pBdr><w:bottom w:val="single" w:color="${RED}" w:sz="12" w:space="5"/></w:pBdr>`;
  out.push(para({ border: separator, jc: 'center' }, letter.documentNumber ? run(letter.documentNumber) : ''));

  // 主体 (7.3): 标题 two lines below the separator, 主送 one line below the title, 正文 right after.
  out.push(
    BLANK,
    BLANK,
    para({ jc: 'center' }, run(letter.title, rFonts(XIAOBIAOSONG, XIAOBIAOSONG) + size(SIZE_2))),
    BLANK,
    para({}, run(`${letter.mainRecipients.join('、')}：`)),
  );
  // The last paragraph of the 正文 stays on the page of the 落款 (no 落款 on a page of its own, 7.3.5.3).
  letter.body.forEach((text, i) => out.push(bodyParagraph(text, !letter.portalUrl && i === letter.body.length - 1)));
  if (letter.portalUrl) {
    out.push(
      bodyParagraph(letter.portalSentence ?? PORTAL_SENTENCE, true),
      para(
        { keep: true, ind: FIRST_LINE_IND },
        `<w:hyperlink w:history="1" r:id="${PORTAL_REL}">${run(letter.portalUrl, '<w:u w:val="single"/>')}</w:hyperlink>`,
      ),
    );
  }

  // 落款 (7.3.5): one line below the 正文; 成文日期 右空四字, the issuer centred over it.
  const indents = signatureIndents(letter.issuer, date);
  const signature = (text: string, right: number, keep: boolean) => para({ keep, ind: `<w:ind w:right="${right}"/>`, jc: 'right' }, run(text));
  out.push(para({ keep: true }), signature(letter.issuer, indents.issuer, true), signature(date, indents.date, letter.contact !== undefined));
  // 附注 (7.3.6): the line after the date, 居左空二字.
  if (letter.contact) {
    out.push(para({ ind: FIRST_LINE_IND }, run(`（联系人：${letter.contact.name}，电话：${letter.contact.phone}）`)));
  }

  // 版记 (7.4) at the foot of the last page, and the paragraph Word wants after a table.
  out.push(colophon(letter, date), para({ spacing: spacing(20) }, run('', size(2))));
  return out.join('');
}

function coreProperties(letter: OfficialLetter, at: Date): string {
  const element = (name: string, value: string | undefined) => (value ? `<${name}>${esc(value)}</${name}>` : '');
  const time = at.toISOString();
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    element('dc:title', letter.rehearsal ? `【演练】${letter.title}` : letter.title) +
    element('dc:subject', letter.documentNumber) +
    element('dc:creator', letter.issuer) +
    element('cp:keywords', letter.rehearsal ? '演练' : undefined) +
    element('cp:lastModifiedBy', letter.issuer) +
    '<cp:revision>1</cp:revision>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${time}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${time}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

// ——— the fixed parts, from the reference ———

interface Template {
  /** word/document.xml up to and including <w:body>, and from <w:sectPr> (headers, footers, page) to its end. */
  head: string;
  tail: string;
  /** word/_rels/document.xml.rels without the portal link's relationship. */
  rels: string;
  /** [Content_Types].xml first, then every other part that is the same in every letter, compressed. */
  before: ZipEntry[];
  after: ZipEntry[];
}

const VARYING = new Set(['[Content_Types].xml', 'word/document.xml', 'docProps/core.xml', 'word/_rels/document.xml.rels']);

async function template(rehearsal: boolean): Promise<Template> {
  const sample: OfficialLetter = { title: '标题', mainRecipients: [], body: [], issuer: '机关', date: '2000-01-01', cc: [], rehearsal };
  const parts = unzip(await officialLetterDocxWithPackage(sample));
  const text = (name: string) => {
    const part = parts.get(name);
    if (!part) throw new Error(`the docx package wrote no ${name}`);
    return part.toString('utf8');
  };
  const document = text('word/document.xml');
  const bodyStart = document.indexOf('<w:body>') + '<w:body>'.length;
  const sectPr = document.lastIndexOf('<w:sectPr>');
  if (bodyStart < '<w:body>'.length || sectPr < bodyStart || document.indexOf('<w:sectPr>') !== sectPr) {
    throw new Error('the docx package wrote a word/document.xml of an unexpected shape');
  }
  return {
    head: document.slice(0, bodyStart),
    tail: document.slice(sectPr),
    rels: text('word/_rels/document.xml.rels'),
    before: [zipEntry('[Content_Types].xml', text('[Content_Types].xml'))],
    after: [...parts].filter(([name]) => !VARYING.has(name)).map(([name, content]) => zipEntry(name, content)),
  };
}

let templates: Promise<[Template, Template]> | undefined;

/** The letter as a .docx (a zip), laid out to GB/T 9704-2012. */
export async function officialLetterDocx(letter: OfficialLetter): Promise<Buffer> {
  templates ??= Promise.all([template(false), template(true)]);
  const t = (await templates)[letter.rehearsal ? 1 : 0];
  const at = new Date();
  const rels = letter.portalUrl
    ? t.rels.replace(
        '</Relationships>',
        `<Relationship Id="${PORTAL_REL}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" ` +
          `Target="${esc(letter.portalUrl)}" TargetMode="External"/></Relationships>`,
      )
    : t.rels;
  return zip(
    [
      ...t.before,
      zipEntry('word/document.xml', t.head + body(letter) + t.tail),
      zipEntry('docProps/core.xml', coreProperties(letter, at)),
      zipEntry('word/_rels/document.xml.rels', rels),
      ...t.after,
    ],
    at,
  );
}

/** The letter as an e-mail attachment: its .docx, named by its 标题 (characters no file system takes replaced). */
export async function docxAttachment(letter: OfficialLetter): Promise<{ filename: string; content: Buffer }> {
  return { filename: `${letter.title.replace(/[\\/:*?"<>|\r\n]/g, '_')}.docx`, content: await officialLetterDocx(letter) };
}
