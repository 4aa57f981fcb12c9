// The measures of a letter's .docx (GB/T 9704-2012), shared by the writer of its XML (letters/docx.ts) and the
// reference built with the docx package (letters/docx-package.ts). Pure.

export const mm = (x: number) => Math.round((x * 1440) / 25.4); // millimetres → twips (1/20 pt)

// Page (GB/T 9704 5.2.1, 5.2.2): A4, 版心 156 × 225 mm, 天头 37 mm, 订口 28 mm.
export const PAGE = { width: 11906, height: 16838 };
export const MARGIN = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) };
export const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right; // 8845 twips = 156 mm
/** 22 lines in the 225 mm 版心: 579 twips = 28.95 pt (GB/T 9704 5.2.3). */
export const LINE = Math.floor((PAGE.height - MARGIN.top - MARGIN.bottom) / 22);
/** 28 characters in the 156 mm line: one 3号 character and its share of the line, ≈ 316 twips. */
export const CHAR = TEXT_WIDTH / 28;
/** The 正文's first-line indent: two characters. */
export const FIRST_LINE = Math.round(2 * CHAR);
/**
 * 16 pt characters fill 27.6 to a line; condensed by 0.25 pt (in twips), 28 fit (441 of 442.25 pt). A character grid
 * (w:docGrid linesAndChars) would do the same in Word but spreads every character over two cells in LibreOffice.
 */
export const CONDENSE = -5;

// Sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt.
export const SIZE_2 = 44;
export const SIZE_3 = 32;
export const SIZE_4 = 28;
/** 左右各空一字 of 4号, in the 版记 and the page numbers. */
export const SIDE_4 = 280;

export const RED = 'FF0000';
// Font names as the reader's machine has them (not embedded); word/fontTable.xml names a fallback for each.
export const FANGSONG = '仿宋_GB2312';
export const KAITI = '楷体_GB2312';
export const HEITI = '黑体';
export const SONGTI = '宋体';
export const XIAOBIAOSONG = '方正小标宋简体';
export const LATIN = 'Times New Roman';

/** The same words as the plain-text body (letters/official.ts). */
export const REHEARSAL_LINE = '【演练】本函为系统演练生成，不是正式公文。';

/** Width of a text in characters (full-width 1, ASCII ½), for the indents that centre the 落款. */
const widthInChars = (text: string) => [...text].reduce((w, c) => w + (c.charCodeAt(0) < 0x80 ? 0.5 : 1), 0);

/** 发文机关标志's space above: 35 mm below the 版心's upper edge, less the rehearsal's line when there is one. */
export const markBefore = (rehearsal: boolean) => mm(35) - (rehearsal ? LINE : 0);

/**
 * 发文机关标志: its size in points (on one line where it fits, at most 初号 42 pt, at least 2号 22 pt), its exact line
 * and its space before, so that its upper edge stands `before` below the 版心's.
 */
export function issuerMark(issuer: string, before: number): { points: number; line: number; spaceBefore: number } {
  const points = Math.max(22, Math.min(42, Math.floor((0.95 * TEXT_WIDTH) / 20 / widthInChars(issuer))));
  const line = Math.round(points * 20 * 1.25);
  // An exact line puts its leading above the characters, and a character's ink starts about 0.1 em below its
  // em box: the space before stops that much short of `before`.
  return { points, line, spaceBefore: Math.max(0, Math.round(before - (line - points * 20) - points * 2)) };
}

/** 落款's right indents (7.3.5.1): 成文日期 右空四字, the issuer centred over it. */
export function signatureIndents(issuer: string, date: string): { issuer: number; date: number } {
  const dateRight = 4 * CHAR;
  const issuerRight = Math.max(0, dateRight + ((widthInChars(date) - widthInChars(issuer)) / 2) * CHAR);
  return { issuer: Math.round(issuerRight), date: Math.round(dateRight) };
}

/** A paragraph of the 正文 opening with 一、 is set in 黑体 to its first 。, one opening with （一） in 楷体. */
export function bodyLevel(text: string): { font: string; end: number } | undefined {
  const font = /^[一二三四五六七八九十]+、/.test(text) ? HEITI : /^（[一二三四五六七八九十]+）/.test(text) ? KAITI : undefined;
  return font ? { font, end: text.indexOf('。') + 1 || text.length } : undefined;
}
