// One hazard in a drawer: its facts, where it stands, the actions its state allows, its 治理方案, every round of
// rectification with its evidence (files downloadable), its extensions, its 挂牌督办, its letters (and the next one)
// and the full history.
import { FileOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Divider, Drawer, Empty, Space, Spin, Tag, Timeline, Tooltip, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../api';
import { useDetail } from '../useDetail';
import { HAZARD_SOURCE_LABEL, HELD_LETTER_LABEL, LISTING_LEVEL_LABEL, LISTING_STATUS_LABEL, historyLabel, type HazardSource } from '../hazardLabels';
import type { FileRef, HazardDetail, HazardListing } from '../hazardTypes';
import { actorLabel } from '../labels';
import { enc } from '../router';
import { useSession } from '../session';
import { HAZARD_ACTION_DONE, HazardActionModal, TODAY, type HazardActionKind, type HazardActionSpec } from './HazardActionModal';
import { HazardLetters, HazardNextLetter } from './HazardLetters';
import { AwaitingSignOffTag, HazardLevelTag, HazardStatusTag } from './HazardTags';

/** Where an action posts, when not under its own name (the 挂牌督办's act on the hazard's open listing). */
const API_PATH: Partial<Record<HazardActionKind, string>> = { 'report-done': 'done' };

/** Actions only a leader or an admin may take (the API refuses them to a clerk). */
const LEADER_ONLY: ReadonlySet<HazardActionKind> = new Set(['extend', 'delist', 'decide-extension']);

/** Evidence files as download links: the console's `/api/files/:sha256`, or the portal's own path given by `href`. */
export function EvidenceFiles({ files, testId, href }: { files: FileRef[] | undefined; testId?: string; href?: (f: FileRef) => string }) {
  if (!files?.length) return null;
  return (
    <div data-testid={testId}>
      {files.map((f) => (
        <div key={f.sha256 + f.name}>
          <a href={href ? href(f) : `/api/files/${encodeURIComponent(f.sha256)}`} download={f.name} data-testid="evidence-file">
            <FileOutlined /> {f.name}
          </a>
        </div>
      ))}
    </div>
  );
}

export function HazardDrawer({
  campaignId,
  hazardId,
  today,
  onClose,
  onChanged,
}: {
  campaignId: string;
  hazardId: string | null;
  today?: string;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { message } = App.useApp();
  const { session } = useSession();
  const [action, setAction] = useState<HazardActionSpec | null>(null);

  const path = hazardId ? `/api/campaigns/${enc(campaignId)}/hazards/${enc(hazardId)}` : null;
  const { detail, setDetail, error, loading, load } = useDetail<HazardDetail>(path);


  const s = detail?.summary;
  const st = detail?.state;
  const h = st?.hazard;
  const subject = s ? `${s.serial}号隐患 · ${s.site}` : '';
  const leader = session.operator.role === 'leader' || session.operator.role === 'admin';
  const me = session.operator.displayName || session.operator.name;
  const openListing = detail?.listings.find((l) => l.status === 'listed');
  /** `unit:<id>` of the hazard's 属地 or 行业主管部门 by its name; other actors as labels.ts shows them. */
  const actor = (a: string | undefined) =>
    s && a === `unit:${s.townId}` ? `${s.townName}（报送链接）` : s && a === `unit:${s.departmentId}` ? `${s.departmentName}（报送链接）` : actorLabel(a);

  const start = (kind: HazardActionKind, extra: Partial<HazardActionSpec> = {}, listing?: HazardListing) =>
    path &&
    setAction({
      kind,
      path: listing ? `${path}/listing/${kind}` : `${path}/${API_PATH[kind] ?? kind}`,
      subject: `${subject}：${s?.description ?? ''}`,
      version: s?.version,
      ...extra,
    });

  const button = (kind: HazardActionKind, label: string, enabled: boolean, extra: Partial<HazardActionSpec> = {}, props: { primary?: boolean; danger?: boolean; listing?: HazardListing } = {}) => {
    if (!enabled) return null;
    const forbidden = LEADER_ONLY.has(kind) && !leader;
    const b = (
      <Button
        key={kind}
        type={props.primary ? 'primary' : 'default'}
        danger={props.danger}
        disabled={forbidden}
        onClick={() => start(kind, extra, props.listing)}
        data-testid={`hazard-action-${kind}`}
      >
        {label}
      </Button>
    );
    return forbidden ? (
      <Tooltip key={kind} title="须由领导或管理员批准">
        {b}
      </Tooltip>
    ) : (
      b
    );
  };

  const status = st?.status;
  const open = status === 'pending' || status === 'rectifying';
  const major = h?.level === 'major';
  const actions: ReactNode[] = st
    ? [
        button('plan', st.plan ? '修改治理方案' : '治理方案', open && major, {
          defaults: st.plan
            ? { measures: st.plan.measures, responsibility: st.plan.responsibility, fundsWan: st.plan.fundsWan, deadline: st.plan.deadline, contingency: st.plan.contingency }
            : { measures: h!.measures, responsibility: h!.responsible, fundsWan: h!.fundsWan, deadline: h!.deadline },
          note: '重大隐患须先报送做到五到位（措施、责任、资金、时限、预案）的治理方案，才能开始整改。',
        }),
        button('start', '开始整改', status === 'pending', {}, { primary: !major || !!st.plan }),
        button('report-done', '整改完成', status === 'rectifying', {}, { primary: true }),
        button('accept', '验收', status === 'awaiting_acceptance', { defaults: { on: TODAY } }, { primary: true }),
        button('extend', '延期', open, { note: `延期经批准后整改时限才改变；批准人记为${me}。` }),
        button('list', '挂牌督办', open && major && !openListing, { defaults: { level: 'county' } }),
        button('edit', '修改', status !== 'closed' && status !== 'cancelled', {
          defaults: { site: h!.site, description: h!.description, measures: h!.measures, responsible: h!.responsible, fundsWan: h!.fundsWan },
          note: '只能修改文字信息；整改时限只能经批准延期变更，修改不影响督办进度。',
        }),
        button('cancel', '撤销', status !== 'closed' && status !== 'cancelled', {}, { danger: true }),
      ].filter(Boolean)
    : [];

  return (
    <Drawer
      open={hazardId !== null}
      onClose={onClose}
      size={820}
      title={detail ? subject : '隐患'}
      extra={
        s && (
          <Space size={4}>
            <AwaitingSignOffTag kinds={s.awaitingSignOff} />
            <HazardStatusTag status={s.status} />
          </Space>
        )
      }
      destroyOnHidden
      data-testid="drawer"
    >
      <div data-testid="hazard-drawer">
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="hazard-drawer-error" />}
        {!detail && loading && (
          <div style={{ textAlign: 'center', padding: 48 }}>
            <Spin />
          </div>
        )}
        {detail && s && st && h && (
          <Spin spinning={loading}>
            <Descriptions
              size="small"
              bordered
              column={2}
              styles={{ label: { whiteSpace: 'nowrap' } }}
              data-testid="hazard-detail"
              items={[
                { key: 'site', label: '企业或场所', children: h.site, span: 2 },
                { key: 'town', label: '属地', children: s.townName },
                { key: 'department', label: '行业主管部门', children: s.departmentName },
                { key: 'description', label: '隐患描述', children: h.description, span: 2 },
                { key: 'level', label: '隐患等级', children: <HazardLevelTag level={h.level} /> },
                { key: 'source', label: '来源', children: HAZARD_SOURCE_LABEL[h.source as HazardSource] ?? h.source },
                ...(h.basis ? [{ key: 'basis', label: '判定依据', children: h.basis, span: 2 }] : []),
                { key: 'found', label: '发现日期', children: h.foundOn },
                {
                  key: 'deadline',
                  label: '整改时限',
                  children: (
                    <>
                      {h.deadline}
                      {st.originalDeadline !== h.deadline && <Typography.Text type="secondary"> （原 {st.originalDeadline}）</Typography.Text>}
                    </>
                  ),
                },
                { key: 'measures', label: '整改措施', children: h.measures, span: 2 },
                { key: 'responsible', label: '责任人', children: h.responsible },
                { key: 'funds', label: '整改资金', children: `${h.fundsWan} 万元` },
                { key: 'late', label: '逾期工作日', children: s.overdueWorkingDays > 0 ? <Typography.Text type="danger">{s.overdueWorkingDays}</Typography.Text> : '—' },
                { key: 'acceptanceDue', label: '验收期限', children: detail.acceptanceDue ?? '—' },
                ...(s.awaitingSignOff?.length
                  ? [
                      {
                        key: 'signOff',
                        label: '待签发',
                        span: 2,
                        children: (
                          <span data-testid="hazard-detail-awaiting-sign-off">
                            {s.awaitingSignOff.map((k) => HELD_LETTER_LABEL[k] ?? k).join('、')}已拟好，等待领导签发后发出
                          </span>
                        ),
                      },
                    ]
                  : []),
                ...(s.unsignedOrder
                  ? [
                      {
                        key: 'unsigned',
                        label: '指令书未签收',
                        span: 2,
                        children: (
                          <Typography.Text type={s.unsignedOrder.workingDays > 0 ? 'danger' : undefined} data-testid="hazard-detail-unsigned-order">
                            限期整改指令书（{s.unsignedOrder.documentNumber}）{s.unsignedOrder.sentOn} 送达，{s.unsignedOrder.units.map((u) => u.name).join('、')}尚未签收，已{' '}
                            {s.unsignedOrder.workingDays} 个工作日
                          </Typography.Text>
                        ),
                      },
                    ]
                  : []),
                ...(st.closedOn ? [{ key: 'closed', label: '销号日期', children: st.closedOn }] : []),
                ...(st.cancellation
                  ? [{ key: 'cancelled', label: '撤销', span: 2, children: `${st.cancellation.on} ${actorLabel(st.cancellation.by)}：${st.cancellation.reason}` }]
                  : []),
              ]}
            />

            {actions.length > 0 && (
              <Space wrap style={{ marginTop: 16 }} data-testid="hazard-actions">
                {actions}
              </Space>
            )}

            {st.plan && (
              <>
                <Divider titlePlacement="start">治理方案（五到位）</Divider>
                <Descriptions
                  size="small"
                  column={2}
                  data-testid="hazard-plan"
                  items={[
                    { key: 'm', label: '措施', children: st.plan.measures, span: 2 },
                    { key: 'r', label: '责任', children: st.plan.responsibility },
                    { key: 'f', label: '资金', children: `${st.plan.fundsWan} 万元` },
                    { key: 'd', label: '时限', children: st.plan.deadline },
                    { key: 'on', label: '报送', children: `${st.plan.recordedOn} ${actorLabel(st.plan.by)}` },
                    { key: 'c', label: '预案', children: st.plan.contingency, span: 2 },
                  ]}
                />
                <EvidenceFiles files={st.plan.files} />
              </>
            )}

            <Divider titlePlacement="start">整改与验收</Divider>
            {st.rounds.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未开始整改" />
            ) : (
              <Space orientation="vertical" style={{ width: '100%' }} data-testid="hazard-rounds">
                {st.rounds.map((r) => (
                  <Card
                    key={r.round}
                    size="small"
                    data-testid={`hazard-round-${r.round}`}
                    title={`第 ${r.round} 轮整改${r.round > 1 ? '（重新整改）' : ''}`}
                    extra={
                      <Typography.Text type="secondary">
                        {r.startedOn} 开始 · 时限 {r.deadline}
                      </Typography.Text>
                    }
                  >
                    {r.report ? (
                      <div style={{ marginBottom: 8 }}>
                        <Typography.Text strong>整改完成</Typography.Text>
                        <Typography.Text type="secondary">
                          {' '}
                          {r.report.on} {actor(r.report.by)}
                        </Typography.Text>
                        <div>{r.report.done}</div>
                        <EvidenceFiles files={r.report.files} testId={`hazard-round-${r.round}-report-files`} />
                      </div>
                    ) : (
                      <Typography.Text type="secondary">尚未报告整改完成</Typography.Text>
                    )}
                    {r.acceptance && (
                      <div>
                        <Typography.Text strong>验收</Typography.Text>{' '}
                        <Tag color={r.acceptance.result === 'pass' ? 'success' : 'error'}>{r.acceptance.result === 'pass' ? '合格' : '不合格'}</Tag>
                        <Typography.Text type="secondary">
                          {r.acceptance.on} 验收人 {r.acceptance.by}
                        </Typography.Text>
                        {r.acceptance.opinion && <div>意见：{r.acceptance.opinion}</div>}
                        <EvidenceFiles files={r.acceptance.files} />
                      </div>
                    )}
                  </Card>
                ))}
              </Space>
            )}

            {st.extensions.length > 0 && (
              <>
                <Divider titlePlacement="start">延期</Divider>
                <Timeline
                  items={st.extensions.map((e, i) => ({
                    key: i,
                    content: `${e.on}：整改时限由 ${e.from} 延至 ${e.to}（${e.reason}；批准人 ${e.approvedBy}）`,
                  }))}
                />
              </>
            )}

            {detail.listings.length > 0 && (
              <>
                <Divider titlePlacement="start">挂牌督办</Divider>
                {detail.listings.map((l) => (
                  <ListingCard
                    key={l.id}
                    listing={l}
                    unitName={(id) => (id === s.townId ? s.townName : id === s.departmentId ? s.departmentName : id)}
                    buttons={
                      l.status === 'listed'
                        ? [
                            button(
                              'sign',
                              '登记签收',
                              l.order.recipients.some((u) => !l.signatures.some((x) => x.unitId === u)),
                              {
                                options: {
                                  unitId: l.order.recipients
                                    .filter((u) => !l.signatures.some((x) => x.unitId === u))
                                    .map((u) => ({ value: u, label: u === s.townId ? `${s.townName}（属地）` : u === s.departmentId ? `${s.departmentName}（行业主管部门）` : u })),
                                },
                                note: '单位可通过报送链接自行签收；书面签收的，在此登记。',
                              },
                              { listing: l },
                            ),
                            button('announce', '记录公告', !l.announcedOn, { defaults: { on: TODAY } }, { listing: l }),
                            button('decide-extension', '决定延期申请', l.extensionRequests.some((r) => !r.decision), {}, { listing: l }),
                            button('delist', '摘牌', status === 'closed', { note: `摘牌须经安委办批准；批准人记为${me}。` }, { primary: true, listing: l }),
                            button('revoke', '撤销挂牌', true, {}, { danger: true, listing: l }),
                          ].filter(Boolean)
                        : []
                    }
                  />
                ))}
              </>
            )}

            <Divider titlePlacement="start">文书</Divider>
            <div data-testid="hazard-letters-section">
              <HazardNextLetter next={detail.nextLetter} none={detail.noNextLetter} />
              <HazardLetters letters={detail.letters ?? []} />
            </div>

            <Divider titlePlacement="start">记录</Divider>
            <div data-testid="hazard-history">
              <Timeline
                items={detail.history.map((e) => ({
                  key: e.seq,
                  color: e.kind === 'accept' || e.kind === 'delist' ? 'green' : e.kind === 'cancel' || e.kind === 'revoke' ? 'gray' : e.kind === 'list' ? 'red' : 'blue',
                  content: (
                    <div data-testid="hazard-history-item" data-kind={e.kind}>
                      <Typography.Text type="secondary" style={{ fontVariantNumeric: 'tabular-nums' }}>
                        {e.at}
                      </Typography.Text>
                      <Tag style={{ marginLeft: 8 }}>{historyLabel(e.kind)}</Tag>
                      <Typography.Text type="secondary">{e.actorName || actor(e.actor)}</Typography.Text>
                      <div style={{ marginTop: 2 }}>{e.summary}</div>
                    </div>
                  ),
                }))}
              />
            </div>
          </Spin>
        )}
      </div>
      <HazardActionModal
        spec={action}
        today={today}
        onClose={() => setAction(null)}
        onDone={(d, kind) => {
          setAction(null);
          message.success(HAZARD_ACTION_DONE[kind]);
          if (d && d.summary) setDetail(d);
          else void load();
          onChanged();
        }}
      />
    </Drawer>
  );
}

function ListingCard({ listing: l, unitName, buttons }: { listing: HazardListing; unitName: (id: string) => string; buttons: ReactNode[] }) {
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid={`hazard-listing-${l.id}`}
      title={`${LISTING_LEVEL_LABEL[l.level] ?? l.level}挂牌督办 ${l.documentNumber}`}
      extra={<Tag color={l.status === 'listed' ? 'volcano' : 'default'}>{LISTING_STATUS_LABEL[l.status] ?? l.status}</Tag>}
    >
      <Descriptions
        size="small"
        column={2}
        items={[
          { key: 'on', label: '挂牌日期', children: l.listedOn },
          { key: 'deadline', label: '限期整改至', children: l.order.deadline },
          {
            key: 'sign',
            label: '限期整改指令书签收',
            span: 2,
            children: (
              <span data-testid={`hazard-listing-${l.id}-signatures`}>
                {l.order.recipients
                  .map((u) => {
                    const sig = l.signatures.find((x) => x.unitId === u);
                    return `${unitName(u)}：${sig ? `${sig.by} ${sig.on} 已签收` : '未签收'}`;
                  })
                  .join('；')}
              </span>
            ),
          },
          { key: 'announce', label: '公告', children: l.announcedOn ?? '未公告' },
          ...(l.delisting
            ? [{ key: 'delist', label: '摘牌', children: `${l.delisting.on}，批准人 ${l.delisting.approvedBy}${l.delisting.documentNumber ? `，${l.delisting.documentNumber}` : ''}` }]
            : []),
          ...(l.revocation ? [{ key: 'revoke', label: '撤销挂牌', children: `${l.revocation.on}：${l.revocation.reason}` }] : []),
        ]}
      />
      {l.extensionRequests.map((r, i) => (
        <Alert
          key={i}
          style={{ marginTop: 8 }}
          type={!r.decision ? 'info' : r.decision.approved ? 'success' : 'warning'}
          showIcon
          title={`${r.by} ${r.requestedOn} 申请延期至 ${r.to}：${!r.decision ? '待决定' : r.decision.approved ? '已批准' : '不予批准'}`}
          description={
            <>
              <div>理由：{r.reason}</div>
              {r.decision && (
                <div>
                  {r.decision.by} {r.decision.on}：{r.decision.reason}
                </div>
              )}
            </>
          }
        />
      ))}
      {buttons.length > 0 && (
        <Space wrap style={{ marginTop: 12 }}>
          {buttons}
        </Space>
      )}
    </Card>
  );
}
