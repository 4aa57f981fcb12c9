// The small campaign the hazard chase is tested and its histories recorded on (tests/hazard-chase.test.ts,
// scripts/record-hazard-histories.ts), and the facts of a hazard of it.
import type { HazardFacts } from '../../domain/hazards';

export const HAZARD_CAMPAIGN = 'hazard-chase-2022';
const C = HAZARD_CAMPAIGN;

// A small campaign of its own: two towns, a lead department and a department; its one deliverable is due in
// December, so that nothing but the hazards writes to anyone before then.

/** The campaign file; with `robotUrl`, 雷城街道 has a 企业微信 group robot there (`<robotUrl>/wecom/leicheng?key=leicheng`). */
export const hazardCampaignYaml = (robotUrl?: string) => `campaign:
  id: ${C}
  title: 雷州市安全生产隐患排查整治专项行动
  office: { name: 雷州市安全生产委员会办公室, email: anweiban@leizhou.example }
  timeZone: Asia/Shanghai
  documents: { prefix: 雷安办 }
  basis:
    - { title: 雷州市安全生产隐患排查整治专项行动方案, number: 雷安委〔2022〕9号 }
  contact: { name: 吴智敏, phone: "8669566" }
  cc:
    - { name: 市政府分管副市长, email: fushizhang@leizhou.example }
  issuer:
    committee: 雷州市安全生产委员会
    committeeSigns: [circulate, interview]
policy:
  signOff: []
# the hazards' ladder as the defaults, but 约谈 of a 一般 hazard already on the 6th working day after its 时限
hazards:
  general: { escalate: { interview: 6 } }
units:
  - { id: yingji, name: 市应急管理局, type: lead_department, email: yingji@leizhou.example, principal: { name: 王应急, email: yingji.head@leizhou.example } }
  - { id: jiaoyu, name: 市教育局, type: department, email: jiaoyu@leizhou.example, principal: { name: 市教育局主要负责人, email: jiaoyu.head@leizhou.example }, reportsTo: [yingji] }
  - { id: leicheng, name: 雷城街道, type: town, email: leicheng@leizhou.example, principal: { name: 雷城街道主要负责人, email: leicheng.head@leizhou.example }${robotUrl ? `, webhooks: [{ kind: wecom, url: "${robotUrl}/wecom/leicheng?key=leicheng" }]` : ''} }
  - { id: xincheng, name: 新城街道, type: town, email: xincheng@leizhou.example, principal: { name: 新城街道主要负责人, email: xincheng.head@leizhou.example } }
stages:
  - { id: s, name: 排查整治, start: 2022-09-26, end: 2022-12-30 }
deliverables:
  - { id: summary, name: 专项行动工作总结, stage: s, owedBy: [town, lead_department, department], due: 2022-12-30, submitTo: [office] }
`;

export const FILES = [{ sha256: 'a'.repeat(64), name: '整改后照片.jpg' }];

/** A 一般 hazard of 雷城街道 and 市教育局, due 2022-10-12, with `f` changed. */
export const hazardFacts = (f: Partial<HazardFacts>): HazardFacts => ({
  site: '雷城某加油站',
  townId: 'leicheng',
  departmentId: 'jiaoyu',
  description: '消防通道被占用',
  level: 'general',
  basis: '',
  foundOn: '2022-09-20',
  source: 'inspection',
  measures: '清理通道，设置禁停标志',
  responsible: '张站长',
  fundsWan: 0.5,
  deadline: '2022-10-12',
  ...f,
});


/** The campaign file without robots. */
export const HAZARD_CAMPAIGN_YAML = hazardCampaignYaml();
