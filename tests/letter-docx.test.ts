// letters/docx.ts: an OfficialLetter as a .docx laid out to GB/T 9704-2012, read back from the zip's XML parts;
// and the same XML as the docx package writes for the same letter (letters/docx-package.ts, the reference).
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { officialLetterDocx } from '../letters/docx';
import { officialLetterDocxWithPackage } from '../letters/docx-package';
import type { OfficialLetter } from '../letters/official';

/**
 * The parts of a zip by name, read through the central directory and checked against each local header: the same
 * name, method, CRC and sizes; each part inflates to its stated size and CRC; the parts lie one after the other, the
 * central directory right after them.
 */
function unzip(zip: Buffer): Map<string, string> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip');
  expect(eocd + 22, 'no comment after the end of central directory').toBe(zip.length);
  const count = zip.readUInt16LE(eocd + 10);
  expect(zip.readUInt16LE(eocd + 8), 'entries on this disk').toBe(count);
  let at = zip.readUInt32LE(eocd + 16);
  expect(at + zip.readUInt32LE(eocd + 12), 'central directory ends at the end record').toBe(eocd);
  const parts = new Map<string, string>();
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const uncompressed = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    expect(local, `${name} follows the part before it`).toBe(next);
    expect(zip.readUInt32LE(local), `${name}: local header`).toBe(0x04034b50);
    expect(zip.toString('utf8', local + 30, local + 30 + zip.readUInt16LE(local + 26)), 'local name').toBe(name);
    if ((zip.readUInt16LE(local + 6) & 0x08) === 0) {
      // No data descriptor: the local header states what the central directory does.
      expect([zip.readUInt16LE(local + 8), zip.readUInt32LE(local + 14), zip.readUInt32LE(local + 18), zip.readUInt32LE(local + 22)], name).toEqual([
        method,
        crc,
        size,
        uncompressed,
      ]);
    }
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    expect([0, 8], `${name}: stored or deflated`).toContain(method);
    const content = method === 8 ? inflateRawSync(data) : data;
    expect(content.length, `${name}: size`).toBe(uncompressed);
    expect(crc32(content) >>> 0, `${name}: CRC`).toBe(crc);
    parts.set(name, content.toString('utf8'));
    next = start + size + ((zip.readUInt16LE(local + 6) & 0x08) === 0 ? 0 : zip.readUInt32LE(start + size) === 0x08074b50 ? 16 : 12);
    at += 46 + skip;
  }
  expect(zip.readUInt32LE(eocd + 16), 'central directory right after the parts').toBe(next);
  return parts;
}

const unescape = (xml: string) =>
  xml.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Each w:p of a part, with its XML and its text. */
function paragraphs(xml: string): { xml: string; text: string }[] {
  return [...xml.matchAll(/<w:p(?: [^>]*)?>(.*?)<\/w:p>/gs)].map((m) => ({
    xml: m[0],
    text: unescape([...m[1].matchAll(/<w:t(?: [^>]*)?>(.*?)<\/w:t>/gs)].map((t) => t[1]).join('')),
  }));
}

async function read(letter: OfficialLetter) {
  const parts = unzip(await officialLetterDocx(letter));
  const part = (name: string) => {
    const xml = parts.get(name);
    if (xml === undefined) throw new Error(`no ${name} in the .docx`);
    return xml;
  };
  const document = part('word/document.xml');
  const ps = paragraphs(document);
  const paragraph = (text: string) => {
    const found = ps.filter((p) => p.text === text);
    expect(found, `one paragraph reading ${text}`).toHaveLength(1);
    return found[0].xml;
  };
  return { parts, part, document, ps, paragraph };
}

const notice: OfficialLetter = {
  documentNumber: '雷安办〔2022〕3号',
  title: '关于督促市教育局限期报送安全生产专项整治三年行动总结评估材料的督办通知',
  mainRecipients: ['市教育局'],
  body: [
    '根据《雷州市安全生产委员会办公室关于开展安全生产专项整治三年行动总结评估工作的通知》（雷安办〔2022〕1号）要求，各有关部门应于2022年10月11日前将总结评估报告报送市安委办。',
    '截至2022年10月12日，我办尚未收到贵单位报送的材料。经电话提醒后，贵单位仍未报送。',
    '请贵单位高度重视，于2022年10月14日前将总结评估报告及相关附件报送市安委办。逾期仍未报送的，将予以通报。',
  ],
  portalUrl: 'https://duban.leizhou.example/portal/leizhou-2022-assessment/jiaoyu?sig=3f9a1c0e&exp=20221130',
  issuer: '雷州市安全生产委员会办公室',
  date: '2022-10-12',
  contact: { name: '李明', phone: '0759-8812345' },
  cc: ['市安委会主任', '市安委会副主任', '市应急管理局'],
};

describe('officialLetterDocx', () => {
  it('lays the page out as GB/T 9704: A4, margins 37/35/28/26 mm, 22 lines of 3号仿宋 on 28.95 pt', async () => {
    const { document, part } = await read(notice);
    expect(document).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margins = /<w:pgMar ([^>]*)\/>/.exec(document)?.[1] ?? '';
    expect(margins).toContain('w:top="2098"'); // 37 mm
    expect(margins).toContain('w:bottom="1984"'); // 35 mm
    expect(margins).toContain('w:left="1587"'); // 28 mm
    expect(margins).toContain('w:right="1474"'); // 26 mm: a 版心 of 11906 − 1587 − 1474 = 8845 twips = 156 mm
    expect(document).toMatch(/<w:docGrid w:type="lines" w:linePitch="579"\/>/); // 22 lines in 225 mm
    // The default run: 仿宋_GB2312 at 16 pt (sz in half-points), characters condensed so that 28 fill a line.
    const styles = part('word/styles.xml');
    const defaults = /<w:rPrDefault>(.*?)<\/w:rPrDefault>/s.exec(styles)?.[1] ?? '';
    expect(defaults).toContain('<w:sz w:val="32"/>');
    expect(defaults).toContain('w:eastAsia="仿宋_GB2312"');
    expect(defaults).toContain('<w:spacing w:val="-5"/>');
    expect(defaults).toContain('w:eastAsia="zh-CN"');
    // Fonts are named, not embedded; each has a fallback the reader's machine is likelier to have.
    const fonts = part('word/fontTable.xml');
    expect(fonts).toContain('<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>');
    expect(fonts).toContain('<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>');
    expect(fonts).not.toContain('embed');
  });

  it('writes the 版头: the issuer in red 小标宋 centred, the 发文字号 centred above the red separator', async () => {
    const { ps, paragraph } = await read(notice);
    const mark = ps[0];
    expect(mark.text).toBe('雷州市安全生产委员会办公室');
    expect(mark.xml).toContain('<w:color w:val="FF0000"/>');
    expect(mark.xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(mark.xml).toContain('<w:jc w:val="center"/>');
    expect(Number(/<w:spacing [^>]*w:before="(\d+)"/.exec(mark.xml)?.[1])).toBeGreaterThan(1500); // ≈ 35 mm below the 版心's top
    const number = paragraph('雷安办〔2022〕3号');
    expect(number).toContain('<w:jc w:val="center"/>');
    expect(number).toMatch(/<w:pBdr><w:bottom w:val="single" w:color="FF0000"/);
    expect(number).not.toMatch(/<w:sz /); // 3号, the default
    // 标志, two blank lines, 发文字号: "发文字号编排在发文机关标志下空二行位置".
    expect(ps.slice(1, 3).map((p) => p.text)).toEqual(['', '']);
    expect(ps[3].text).toBe('雷安办〔2022〕3号');
    // No 份号, 密级 or 紧急程度.
    expect(ps.map((p) => p.text).join('')).not.toMatch(/机密|秘密|特急|加急/);
  });

  it('writes the 标题 in 2号小标宋, the 主送 with its colon, the 正文 indented two characters and justified', async () => {
    const { ps, paragraph } = await read(notice);
    const title = paragraph(notice.title);
    expect(title).toContain('<w:sz w:val="44"/>');
    expect(title).toContain('w:eastAsia="方正小标宋简体"');
    expect(title).toContain('<w:jc w:val="center"/>');
    const texts = ps.map((p) => p.text);
    const at = texts.indexOf(notice.title);
    expect(texts.slice(at - 2, at)).toEqual(['', '']); // two lines below the separator
    expect(texts.slice(at + 1, at + 4)).toEqual(['', '市教育局：', notice.body[0]]); // 主送 one line below, 正文 right after
    const to = paragraph('市教育局：');
    expect(to).not.toContain('<w:ind');
    expect(to).not.toContain('<w:jc');
    for (const text of notice.body) {
      const p = paragraph(text);
      expect(p).toContain('w:firstLineChars="200"');
      expect(p).toContain('w:firstLine="632"'); // 2 × 316 twips, two characters of the 28 in the line
      expect(p).toContain('<w:jc w:val="both"/>');
      expect(p).toContain('<w:spacing w:after="0" w:before="0" w:line="579" w:lineRule="exact"/>');
      expect(p).toContain('<w:autoSpaceDN w:val="false"/>'); // 2022年, not 2022 年
    }
  });

  it('prints the portal link as a body paragraph, a link to the unit’s own page', async () => {
    const { paragraph, ps, part } = await read(notice);
    expect(paragraph('贵单位可通过以下链接在线报送材料或申请延期（无需账号，请勿转发）：')).toContain('w:firstLineChars="200"');
    const link = paragraph(notice.portalUrl ?? '');
    const id = /<w:hyperlink [^>]*r:id="([^"]+)"/.exec(link)?.[1];
    expect(id).toBeDefined();
    const rels = part('word/_rels/document.xml.rels');
    expect(rels).toContain(`Id="${id}"`);
    expect(rels).toContain('Target="https://duban.leizhou.example/portal/leizhou-2022-assessment/jiaoyu?sig=3f9a1c0e&amp;exp=20221130"');
    // After the 正文, before the 落款.
    const texts = ps.map((p) => p.text);
    expect(texts.indexOf(notice.portalUrl ?? '')).toBeGreaterThan(texts.indexOf(notice.body[2]));
    expect(texts.indexOf(notice.portalUrl ?? '')).toBeLessThan(texts.indexOf('2022年10月12日'));
    expect(link).toContain('<w:keepNext/>'); // with the 落款 after it
    expect(paragraph(notice.body[2])).not.toContain('<w:keepNext/>');
  });

  it('writes the 落款: the issuer centred over the 成文日期, which stands four characters from the right; then the 附注', async () => {
    const { ps, paragraph } = await read(notice);
    const date = paragraph('2022年10月12日');
    expect(date).toContain('<w:jc w:val="right"/>');
    expect(date).toContain('<w:ind w:right="1264"/>'); // 4 × 316 twips: 右空四字
    // The issuer (13 characters) over the date (7): centred, its right edge (13 − 7) / 2 = 3 characters further out.
    const texts = ps.map((p) => p.text);
    const at = texts.indexOf('2022年10月12日');
    expect(texts.slice(at - 2, at)).toEqual(['', '雷州市安全生产委员会办公室']); // one line below the 正文
    expect(ps[at - 1].xml).toContain('<w:ind w:right="316"/>');
    expect(ps[at - 1].xml).toContain('<w:jc w:val="right"/>');
    expect(texts[at + 1]).toBe('（联系人：李明，电话：0759-8812345）');
    expect(ps[at + 1].xml).toContain('w:firstLineChars="200"');
  });

  it('writes the 版记 at the foot of the last page: 抄送 and 印发 in 4号 between black lines', async () => {
    const { document, paragraph } = await read(notice);
    const table = /<w:tbl>(.*?)<\/w:tbl>/s.exec(document)?.[1] ?? '';
    expect(table).toContain('<w:tblpPr w:tblpX="0" w:horzAnchor="margin" w:tblpYSpec="bottom" w:vertAnchor="margin"/>');
    expect(table).toContain('<w:tblW w:type="dxa" w:w="8845"/>'); // the 版心's width
    expect(table).toMatch(/<w:top w:val="single" w:color="000000" w:sz="8"\/>/);
    expect(table).toMatch(/<w:insideH w:val="single" w:color="000000" w:sz="6"\/>/);
    expect(table).toMatch(/<w:bottom w:val="single" w:color="000000" w:sz="8"\/>/);
    const cc = paragraph('抄送：市安委会主任，市安委会副主任，市应急管理局。');
    expect(cc).toContain('<w:sz w:val="28"/>');
    expect(cc).toContain('<w:ind w:left="1120" w:right="280" w:hanging="840"/>'); // 左右各空一字, 回行 under the first name
    const printed = paragraph('雷州市安全生产委员会办公室\t2022年10月12日印发');
    expect(printed).toContain('<w:sz w:val="28"/>');
    expect(printed).toContain('<w:tab w:val="right" w:pos="8565"/>');
    expect(table.indexOf('抄送：')).toBeLessThan(table.indexOf('印发'));
    // The table is the last thing in the body.
    expect(document.indexOf('</w:tbl>')).toBeGreaterThan(document.indexOf('（联系人：'));
  });

  it('numbers the pages "— 1 —" in 4号宋体, odd pages on the right and even on the left', async () => {
    const { part, parts } = await read(notice);
    expect(part('word/settings.xml')).toContain('<w:evenAndOddHeaders/>');
    const footers = [...parts.entries()].filter(([name]) => /^word\/footer\d+\.xml$/.test(name)).map(([, xml]) => xml);
    expect(footers).toHaveLength(2);
    for (const footer of footers) {
      expect(footer).toMatch(/<w:t xml:space="preserve">— <\/w:t>.*PAGE.*<w:t xml:space="preserve"> —<\/w:t>/s);
      expect(footer).toContain('<w:sz w:val="28"/>');
      expect(footer).toContain('w:eastAsia="宋体"');
    }
    expect(footers.map((f) => /<w:jc w:val="(\w+)"\/>/.exec(f)?.[1]).sort()).toEqual(['left', 'right']);
  });

  it('sets the document properties: title and creator', async () => {
    const { part } = await read(notice);
    const core = part('docProps/core.xml');
    expect(core).toContain(`<dc:title>${notice.title}</dc:title>`);
    expect(core).toContain('<dc:creator>雷州市安全生产委员会办公室</dc:creator>');
  });

  it('marks a rehearsal: a red 【演练】 line first, a 演练 watermark on every page, 演练 in the title; a real letter nowhere', async () => {
    const rehearsal = await read({ ...notice, rehearsal: true });
    expect(rehearsal.ps[0].text).toBe('【演练】本函为系统演练生成，不是正式公文。');
    expect(rehearsal.ps[0].xml).toContain('<w:color w:val="FF0000"/>');
    expect(rehearsal.ps[1].text).toBe('雷州市安全生产委员会办公室');
    const headers = [...rehearsal.parts.entries()].filter(([name]) => /^word\/header\d+\.xml$/.test(name)).map(([, xml]) => xml);
    expect(headers).toHaveLength(2); // odd and even pages
    for (const header of headers) expect(header).toMatch(/<v:textpath [^>]*string="演练"/);
    expect(rehearsal.part('docProps/core.xml')).toContain(`<dc:title>【演练】${notice.title}</dc:title>`);

    const real = await read(notice);
    for (const [name, xml] of real.parts) expect(xml, name).not.toContain('演练');
    expect([...real.parts.keys()].filter((name) => name.startsWith('word/header'))).toEqual([]);
  });

  it('keeps the 版头 separator and the 印发 line when the letter has no 发文字号, contact, 抄送 or link', async () => {
    const bare: OfficialLetter = {
      title: '关于报送2022年第三季度安全生产工作情况的提醒函',
      mainRecipients: ['各镇（街道）', '市直各有关单位'],
      body: ['一、报送要求。请于2022年10月12日前报送。', '（一）报送内容。包括工作开展情况和存在问题。', '特此函告。'],
      issuer: '洮南市民政局',
      date: '2022-10-08',
      cc: [],
    };
    const { ps, document, paragraph } = await read(bare);
    expect(ps[0].text).toBe('洮南市民政局');
    expect(ps[0].xml).toContain('<w:sz w:val="84"/>'); // a short name at 初号 (42 pt)
    expect(ps[3].text).toBe('');
    expect(ps[3].xml).toMatch(/<w:pBdr><w:bottom w:val="single" w:color="FF0000"/);
    paragraph('各镇（街道）、市直各有关单位：');
    // 层次: 一、 in 黑体 and （一） in 楷体, to the end of their first sentence; the rest of the paragraph in 仿宋.
    const first = paragraph('一、报送要求。请于2022年10月12日前报送。');
    expect(first).toMatch(/w:eastAsia="黑体"[^]*?一、报送要求。<\/w:t>/);
    expect(first).toMatch(/<w:r><w:t xml:space="preserve">请于2022年10月12日前报送。<\/w:t>/);
    expect(paragraph('（一）报送内容。包括工作开展情况和存在问题。')).toContain('w:eastAsia="楷体_GB2312"');
    expect(paragraph('特此函告。')).not.toContain('w:eastAsia=');
    // The last paragraph of the 正文 is kept with the 落款, so that the 落款 never stands on a page of its own.
    expect(paragraph('特此函告。')).toContain('<w:keepNext/>');
    expect(first).not.toContain('<w:keepNext/>');
    expect(paragraph('2022年10月8日')).toContain('<w:ind w:right="1264"/>');
    expect(document).not.toContain('联系人');
    expect(document).not.toContain('抄送');
    expect(document).not.toContain('w:hyperlink');
    paragraph('洮南市民政局\t2022年10月8日印发');
  });
});

describe('officialLetterDocx against the docx package', () => {
  /** Each relationship of word/document.xml by its id: its type, target and mode. */
  const relationships = (rels: string) =>
    new Map([...rels.matchAll(/<Relationship ([^>]*)\/>/g)].map((m) => [/Id="([^"]+)"/.exec(m[1])?.[1] ?? '', m[1].replace(/Id="[^"]*" ?/, '')]));
  /**
   * The parts of a .docx with what may differ between two builds of the same letter made neutral: the time of
   * writing, the ids of the document's relationships (each r:id reads as the relationship it names) and the id the
   * docx package draws at random for the watermark's shape.
   */
  function neutral(parts: Map<string, string>): Map<string, string> {
    const rels = relationships(parts.get('word/_rels/document.xml.rels') ?? '');
    const out = new Map<string, string>();
    for (const [name, xml] of parts) {
      let text = xml.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '(time)').replace(/PowerPlusWaterMarkObject[\w-]+/g, '(shape)');
      if (name === 'word/document.xml' || /^word\/(header|footer)\d+\.xml$/.test(name)) {
        text = text.replace(/ r:id="([^"]+)"/g, (_, id: string) => ` r:id="${rels.get(id) ?? `unknown ${id}`}"`);
      }
      if (name === 'word/_rels/document.xml.rels') text = [...rels.values()].sort().join('\n');
      out.set(name, text);
    }
    return out;
  }

  const letters: [string, OfficialLetter][] = [
    ['a 督办通知 with 发文字号, link, contact and 抄送', notice],
    ['its rehearsal', { ...notice, rehearsal: true }],
    [
      'a 提醒 with none of them and 层次 headings',
      {
        title: '关于报送2022年第三季度安全生产工作情况的提醒函',
        mainRecipients: ['各镇（街道）', '市直各有关单位'],
        body: ['一、报送要求。请于2022年10月12日前报送。', '（一）报送内容。包括工作开展情况和存在问题。', '二、没有句号的标题', '特此函告。'],
        issuer: '洮南市民政局',
        date: '2022-10-08',
        cc: [],
      },
    ],
    [
      'a 约谈通知 to persons, rehearsal, no 抄送',
      { ...notice, portalSentence: '你单位可通过以下链接在线报送材料或申请延期（无需账号，请勿转发）：', cc: [], rehearsal: true, documentNumber: undefined },
    ],
    [
      'text XML must escape, characters XML forbids, a long Latin issuer',
      {
        ...notice,
        title: '关于 "A&B" <试点> 的通知',
        mainRecipients: ["O'Brien & Sons", '<市>'],
        body: ['含\u0001控制字符与 & < > " \' 的段落。', '\t制表'],
        issuer: 'Leizhou Work-Safety Committee Office & 安委办',
        contact: { name: '<李>', phone: '0759&1' },
        cc: ['A&B'],
        portalUrl: 'https://duban.example/p/a?x=1&y="2"',
      },
    ],
  ];

  it.each(letters)('writes the XML the docx package writes for %s', async (_, letter) => {
    const ours = neutral(unzip(await officialLetterDocx(letter)));
    const reference = neutral(unzip(await officialLetterDocxWithPackage(letter)));
    expect([...ours.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [name, xml] of reference) expect(ours.get(name), name).toBe(xml);
    expect(ours.get('word/document.xml')).toContain('<w:body><w:p>'); // not a comparison of empty documents
  });

  it('gives the same bytes for the same letter written at the same time', async () => {
    // Only the time of writing (docProps/core.xml and the zip's entries) varies between two builds.
    const a = unzip(await officialLetterDocx(notice));
    const b = unzip(await officialLetterDocx(notice));
    const core = (parts: Map<string, string>) => (parts.get('docProps/core.xml') ?? '').replace(/<dcterms:(created|modified)[^<]*/g, '');
    expect(core(a)).toBe(core(b));
    for (const [name, xml] of a) if (name !== 'docProps/core.xml') expect(b.get(name), name).toBe(xml);
  });
});
