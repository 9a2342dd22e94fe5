//! The audit trail in words: "2026-12-01 10:02 王飞江 将问题 #31《…》验收销号", with the changed
//! fields as Chinese labels and old → new values in words (dictionary labels, unit and person
//! names), never JSON, English keys or database ids. The tables below are the whole vocabulary;
//! a key missing from them is shown as it is stored.

use std::collections::BTreeSet;

use qingfeng_domain::access::{builtin_role, ScopeKind};
use qingfeng_domain::budgets::BudgetCategory;
use qingfeng_domain::calendar::DayKind;
use qingfeng_domain::decisions::register::EntryKind as RegisterKind;
use qingfeng_domain::decisions::Body;
use qingfeng_domain::dict::{BranchPost, Gender, PersonStatus, PoliticalStatus, Rank, ResponsibilityRole, UnitKind};
use qingfeng_domain::family::EventKind;
use qingfeng_domain::findings::{Category, EvidencePart, FindingState, LookBackResult, Origin, Severity, Source};
use qingfeng_domain::integrity::Conclusion;
use qingfeng_domain::major_matters::{MatterCategory, MatterKind};
use qingfeng_domain::personal::{LifeEvent, ReportKind, Review};
use qingfeng_domain::responsibility::{EntryKind, MeetingType};
use qingfeng_domain::risk::{RiskCategory, RiskLevel, RiskState};
use qingfeng_domain::supervision::Source as SupervisionSource;
use qingfeng_domain::talks::TalkKind;
use qingfeng_domain::vehicles::VehicleKind;
use qingfeng_domain::warning_cases::Discipline;
use qingfeng_store::audit::{AuditRecord, Names};
use qingfeng_store::notify::kind_label;
use serde_json::Value;

use crate::time::local_time;

/// (entity, label, page of one record (prefix of its id), entity whose title names it)
pub const ENTITIES: &[(&str, &str, Option<&str>, &str)] = &[
    ("finding", "问题", Some("/findings/"), "finding"),
    ("rectification_measure", "整改措施", None, "rectification_measure"),
    ("rectification_update", "整改进展", None, ""),
    ("campaign", "专项整治", Some("/campaigns/"), "campaign"),
    ("risk_point", "廉政风险点", Some("/risk/"), "risk_point"),
    ("work_plan", "工作要点", Some("/plans/"), "work_plan"),
    ("task", "任务", Some("/tasks/"), "task"),
    ("task_update", "任务进展", None, ""),
    ("ledger_entry", "台账记录", Some("/ledger/"), "ledger_entry"),
    ("ledger_attachment", "台账附件", None, ""),
    ("finding_evidence", "整改佐证材料", None, ""),
    ("responsibility_list", "责任清单", Some("/responsibility/lists/"), ""),
    ("responsibility_item", "责任事项", Some("/responsibility/items/"), "responsibility_item"),
    ("responsibility_template", "责任事项模板", None, "responsibility_template"),
    ("unit", "单位", None, "unit"),
    ("person", "人员", Some("/org/people/"), "person"),
    ("in_charge_of", "分管关系", Some("/org/people/"), "person"),
    ("party_branch_member", "党员的党支部", Some("/org/people/"), "person"),
    ("party_branch_committee", "支委职务", Some("/org/people/"), "person"),
    ("account", "账号", None, "account"),
    ("api_token", "接口令牌", None, ""),
    ("role", "角色", None, ""),
    ("setting", "参数", None, ""),
    ("dict", "字典", None, ""),
    ("reminder", "到期提醒", None, ""),
    ("warning_case", "典型案例", Some("/warning-cases/"), "warning_case"),
    ("talk", "谈话记录", Some("/talks/"), "ledger_entry"),
    ("study_session", "学习教育记录", Some("/study/"), "ledger_entry"),
    ("study_makeup", "补学", None, ""),
    ("holiday", "节假日安排", None, ""),
    ("decision_meeting", "决策会议", Some("/decisions/"), ""),
    ("decision_register", "大额资金与任免台账记录", None, ""),
    ("personal_report", "个人有关事项报告", Some("/personal-reports/"), ""),
    ("family_event", "婚丧喜庆报告", Some("/family-events/"), ""),
    ("private_attachment", "报告附件", None, ""),
    // no title in the trail: an interference record's matter is for the 纪检组 alone
    ("major_matter", "请示报告", Some("/major-matters/"), ""),
    // the person and the day only: the measure is for the 纪检组 and the person
    ("discipline_record", "四种形态和处分记录", Some("/discipline-records/"), ""),
    ("integrity_file", "廉政档案", Some("/integrity-files/"), "person"),
    ("integrity_reply", "党风廉政意见回复", Some("/integrity-replies/"), ""),
    ("vehicle", "公务用车", None, ""),
    ("vehicle_trip", "出车记录", Some("/vehicles/trips/"), ""),
    ("budget", "三公经费预算", None, ""),
    ("budget_spending", "三公经费支出", None, ""),
    ("decision_implementation", "决策部署", Some("/supervision/"), ""),
    ("supervision_note", "督办", Some("/supervision/notes/"), ""),
];

/// (action, label, the sentence with `{o}` for the object)
pub const ACTIONS: &[(&str, &str, &str)] = &[
    ("create", "新增", "新增{o}"),
    ("update", "修改", "修改{o}"),
    ("delete", "删除", "删除{o}"),
    ("void", "作废", "作废{o}（记录保留，可恢复）"),
    ("restore", "恢复", "恢复已作废的{o}"),
    ("import", "导入", "导入{o}"),
    ("version", "更正", "更正{o}（提交新版本）"),
    ("feedback", "反馈", "将{o}反馈给责任单位"),
    ("sign_off_request", "申请销号", "为{o}申请验收销号"),
    ("sign_off", "验收销号", "将{o}验收销号"),
    ("return", "退回整改", "将{o}退回整改"),
    ("look_back", "回头看", "对{o}开展回头看"),
    ("submit", "提交审核", "将{o}提交审核"),
    ("accept", "确认", "确认{o}"),
    ("raise", "提升等级", "提升{o}的风险等级"),
    ("complete", "完成", "将{o}标记为完成"),
    ("withdraw", "撤回", "撤回{o}"),
    ("generate", "生成", "生成{o}"),
    ("login", "登录", "登录系统"),
    ("logout", "退出", "退出登录"),
    ("notify", "发出提醒", "发出{o}"),
    ("convert", "转为问题", "将{o}未通过的检查转为问题"),
    ("review", "核查", "核查{o}"),
    ("report_actual", "报告实际情况", "报告{o}的实际情况"),
    ("hand_in", "登记上交", "登记{o}的礼金礼品上交"),
    ("mark", "列为报告对象", "将{o}列为个人有关事项报告对象"),
    ("unmark", "取消报告对象", "取消{o}的个人有关事项报告对象"),
    ("answer", "登记批复", "登记{o}的上级批复"),
    ("view_refused", "无权查询", "查询{o}（无权查看，已按不存在处理）"),
    ("reply", "反馈", "反馈{o}的落实情况"),
    ("close", "办结", "办结{o}"),
    ("view", "查阅", "查阅{o}"),
    ("sign", "签发", "签发{o}"),
];

/// How a field's values read.
#[derive(Clone, Copy)]
enum How {
    Text,
    Unit,
    Person,
    /// a record of this entity, by its title
    Record(&'static str),
    /// a dictionary (or one of several) keyed by the stored key
    Dict(fn(&str) -> Option<&'static str>),
    Secret,
}

use How::{Dict, Person, Record, Secret, Text, Unit};

/// (field, label, how its values read)
const FIELDS: &[(&str, &str, How)] = &[
    ("name", "名称", Text),
    ("code", "编码", Text),
    ("kind", "类型", Dict(kind_word)),
    ("parent_id", "上级", Unit),
    ("sort_order", "排序", Text),
    ("unit_id", "单位", Unit),
    ("units", "单位", Unit),
    ("lead_unit_id", "牵头单位", Unit),
    ("support_unit_ids", "配合单位", Unit),
    ("person_id", "人员", Person),
    ("participants", "参加人员", Person),
    ("lead_person_id", "责任人", Person),
    ("responsible_leader_id", "责任领导", Person),
    ("responsible_person_id", "责任人", Person),
    ("gender", "性别", Dict(|k| Gender::from_key(k).map(Gender::label))),
    ("title", "职务/标题", Text),
    ("rank", "职级", Dict(|k| Rank::from_key(k).map(Rank::label))),
    ("rank_name", "职级名称", Text),
    ("political_status", "政治面貌", Dict(|k| PoliticalStatus::from_key(k).map(PoliticalStatus::label))),
    ("roles", "角色", Dict(role_word)),
    ("status", "状态", Dict(|k| PersonStatus::from_key(k).map(PersonStatus::label))),
    ("birth_date", "出生日期", Text),
    ("party_join_date", "入党日期", Text),
    ("id_number", "身份证号", Text),
    ("exercises_public_power", "行使公权力", Text),
    ("supervision_override", "列为监督对象", Text),
    ("supervision_override_reason", "列为监督对象的理由", Text),
    ("source", "问题来源", Dict(|k| Source::from_key(k).map(Source::label))),
    ("category", "问题类别", Dict(|k| Category::from_key(k).map(Category::label))),
    ("severity", "严重程度", Dict(|k| Severity::from_key(k).map(Severity::label))),
    ("description", "问题描述", Text),
    ("found_on", "发现日期", Text),
    ("campaign_id", "专项整治", Record("campaign")),
    ("state", "状态", Dict(|k| FindingState::from_key(k).map(FindingState::label))),
    ("note", "说明", Text),
    ("look_back_result", "回头看结果", Dict(|k| LookBackResult::from_key(k).map(LookBackResult::label))),
    ("finding_id", "问题", Record("finding")),
    ("measure_id", "整改措施", Record("rectification_measure")),
    ("text", "内容", Text),
    ("deadline", "完成期限", Text),
    ("update_date", "进展日期", Text),
    ("evidence", "佐证材料", Text),
    ("completes", "已完成", Text),
    ("plan_id", "工作要点", Record("work_plan")),
    ("business_work", "关联业务工作", Text),
    ("date", "日期", Text),
    ("place", "地点", Text),
    ("content", "内容", Text),
    ("items", "责任事项", Record("responsibility_item")),
    ("tasks", "任务", Record("task")),
    ("entry_key", "台账编号", Text),
    ("version", "版本", Text),
    ("reason", "更正原因", Text),
    ("username", "用户名", Text),
    ("disabled", "停用", Text),
    ("password", "密码", Secret),
    ("value", "取值", Text),
    ("label", "名称", Text),
    ("entries", "字典项", Text),
    ("permissions", "权限", Text),
    ("scope_kind", "数据范围", Dict(|k| ScopeKind::parse(k).map(ScopeKind::label))),
    ("must_change_password", "须修改初始密码", Text),
    ("pledge_date", "签订日期", Text),
    ("fired", "发出提醒", Text),
    ("queued", "外发排队", Text),
    ("count", "条数", Text),
    ("by_kind", "分类", Text),
    ("origin", "登记方", Dict(|k| Origin::from_key(k).map(Origin::label))),
    ("recurrence_of", "反弹自", Record("finding")),
    ("codes", "事项编码", Text),
    ("completed_on", "完成日期", Text),
    ("start_date", "开始日期", Text),
    ("end_date", "结束日期", Text),
    ("goals", "目标", Text),
    ("late_reason", "逾期原因", Text),
    ("task_id", "任务", Record("task")),
    ("task_ids", "任务", Record("task")),
    ("unit_ids", "单位", Unit),
    ("year", "年度", Text),
    ("lists_created", "新建清单", Text),
    ("items_created", "新建事项", Text),
    ("items_refreshed", "更新事项", Text),
    ("items_kept_edited", "保留手改事项", Text),
    ("items_deactivated", "停用事项", Text),
    ("meeting_type", "会议类型", Dict(|k| MeetingType::from_key(k).map(MeetingType::label))),
    ("entry_id", "台账记录", Record("ledger_entry")),
    ("part", "材料类别", Dict(|k| EvidencePart::from_key(k).map(EvidencePart::label))),
    ("filename", "文件名", Text),
    ("size", "文件大小（字节）", Text),
    ("created", "新增", Text),
    ("updated", "更新", Text),
    ("skipped_rows", "有错误未导入的行", Text),
    ("cases", "典型案例", Record("warning_case")),
    ("case_date", "通报日期", Text),
    ("discipline", "违反的纪律", Dict(|k| Discipline::from_key(k).map(Discipline::label))),
    ("sanction", "处理结果", Text),
    ("summary", "基本案情", Text),
    ("lesson", "警示意义", Text),
    ("party_branch_id", "所在党支部", Unit),
    ("branch_id", "党支部", Unit),
    ("post", "支委职务", Dict(|k| BranchPost::from_key(k).map(BranchPost::label))),
    ("risk_point_id", "廉政风险点", Record("risk_point")),
    ("carried_from", "复制自", Record("risk_point")),
    ("post", "岗位/业务流程", Text),
    ("power", "职权事项", Text),
    ("point", "风险点", Text),
    ("manifestation", "表现形式", Text),
    ("level", "风险等级", Dict(|k| RiskLevel::from_key(k).map(RiskLevel::label))),
    ("head_id", "部门负责人", Person),
    ("leader_id", "责任领导", Person),
    ("measures", "防控措施", Text),
    ("measure_people", "防控措施责任人", Person),
    ("talk_kind", "谈话类型", Dict(|k| TalkKind::from_key(k).map(TalkKind::label))),
    ("talkers", "谈话人", Person),
    ("counterparts", "谈话对象", Person),
    ("topics", "谈话主题", Text),
    ("follow_ups", "后续事项（项）", Text),
    ("organiser_id", "组织者", Person),
    ("topic", "主题", Text),
    ("materials", "学习材料", Text),
    ("present", "出席人员", Person),
    ("absent", "缺席人员", Person),
    ("absence_reasons", "缺席原因", Text),
    ("makeup_date", "补学日期", Text),
    ("day", "日期", Text),
    ("held_on", "会议日期", Text),
    ("chair_id", "主持人", Person),
    ("recorder_id", "记录人", Person),
    ("item_by_item", "逐项表决", Text),
    ("members", "应到会人员", Person),
    ("votes", "表决情况", Text),
    ("failed_rules", "未通过的检查", Text),
    ("rule", "规则", Text),
    ("finding_id", "问题", Record("finding")),
    ("occurred_on", "发生日期", Text),
    ("matter", "事项", Text),
    ("amount_cents", "金额（分）", Text),
    ("reference", "收款方或凭证号", Text),
    ("topic_id", "集体决策议题编号", Text),
    ("event_kind", "事项类别", Dict(|k| LifeEvent::from_key(k).map(LifeEvent::label))),
    ("event_date", "事项日期", Text),
    ("reported_on", "报告日期", Text),
    ("due_on", "应报日期", Text),
    ("review", "核查结果", Dict(|k| Review::from_key(k).map(Review::label))),
    ("flags", "提示", Text),
    ("joint", "联合操办", Text),
    ("actual_reported_on", "实际情况报告日期", Text),
    ("client_gifts", "收受管理服务对象礼金礼品", Text),
    ("gifts_handed_in_on", "上交日期", Text),
    ("personal_report_reason", "列为报告对象的理由", Text),
    ("record_id", "所属报告编号", Text),
];

/// Fields whose meaning depends on the record they belong to: (entity, key, label, how).
const ENTITY_FIELDS: &[(&str, &str, &str, How)] = &[
    ("task", "parent_id", "上级任务", Record("task")),
    ("warning_case", "title", "案例名称", Text),
    ("warning_case", "source", "来源文件", Text),
    ("risk_point", "category", "风险类别", Dict(|k| RiskCategory::from_key(k).map(RiskCategory::label))),
    ("risk_point", "state", "状态", Dict(|k| RiskState::from_key(k).map(RiskState::label))),
    ("study_makeup", "note", "补学内容", Text),
    ("holiday", "kind", "类型", Dict(|k| DayKind::from_key(k).map(DayKind::label))),
    ("holiday", "name", "节日名称", Text),
    ("decision_meeting", "body", "会议", Dict(|k| Body::from_key(k).map(Body::label))),
    ("decision_meeting", "place", "地点", Text),
    ("decision_meeting", "topics", "议题", Text),
    ("decision_register", "kind", "类别", Dict(|k| RegisterKind::from_key(k).map(RegisterKind::label))),
    ("decision_register", "note", "备注", Text),
    ("personal_report", "kind", "报告类型", Dict(|k| ReportKind::from_key(k).map(ReportKind::label))),
    ("family_event", "kind", "事项", Dict(|k| EventKind::from_key(k).map(EventKind::label))),
    (
        "private_attachment",
        "record",
        "所属报告",
        Dict(|k| match k {
            "personal_report" => Some("个人有关事项报告"),
            "family_event" => Some("婚丧喜庆报告"),
            _ => None,
        }),
    ),
    ("major_matter", "kind", "类别", Dict(|k| MatterKind::from_key(k).map(MatterKind::label))),
    ("major_matter", "category", "三重一大类别", Dict(|k| MatterCategory::from_key(k).map(MatterCategory::label))),
    ("major_matter", "title", "事项", Text),
    ("major_matter", "addressee", "报送对象", Text),
    ("major_matter", "submitted_on", "报送日期", Text),
    ("major_matter", "answered_on", "批复日期", Text),
    ("major_matter", "person_id", "请示报告人", Person),
    ("discipline_record", "person_id", "被处理人", Person),
    ("discipline_record", "decided_on", "决定日期", Text),
    ("discipline_record", "finding_id", "所依据的问题", Record("finding")),
    ("discipline_record", "measure", "形态或处理处分", Text),
    ("vehicle", "plate", "号牌", Text),
    ("vehicle", "kind", "车辆类型", Dict(|k| VehicleKind::from_key(k).map(VehicleKind::label))),
    ("vehicle", "parking", "定点停放地点", Text),
    ("vehicle_trip", "vehicle", "车辆", Text),
    ("vehicle_trip", "departed_at", "出车时间", Text),
    ("vehicle_trip", "returned_at", "收车时间", Text),
    ("vehicle_trip", "purpose", "事由", Text),
    ("vehicle_trip", "destination", "目的地", Text),
    ("vehicle_trip", "distance_km", "行驶里程（公里）", Text),
    ("vehicle_trip", "cost", "油费或充电费（元）", Text),
    ("vehicle_trip", "driver", "驾驶员", Text),
    ("vehicle_trip", "approver", "审批人", Text),
    ("vehicle_trip", "special_approval", "特殊审批", Text),
    ("budget", "year", "年度", Text),
    ("budget", "category", "类别", Dict(|k| BudgetCategory::from_key(k).map(BudgetCategory::label))),
    ("budget", "amount", "金额（元）", Text),
    ("budget_spending", "category", "类别", Dict(|k| BudgetCategory::from_key(k).map(BudgetCategory::label))),
    ("budget_spending", "spent_on", "日期", Text),
    ("budget_spending", "amount", "金额（元）", Text),
    ("budget_spending", "note", "摘要", Text),
    (
        "decision_implementation",
        "source",
        "来源",
        Dict(|k| SupervisionSource::from_key(k).map(SupervisionSource::label)),
    ),
    ("decision_implementation", "doc_number", "文号", Text),
    ("decision_implementation", "issuer", "发文机关", Text),
    ("decision_implementation", "issued_on", "印发（决策）日期", Text),
    ("decision_implementation", "title", "决策事项", Text),
    ("decision_implementation", "unit_id", "落实单位", Unit),
    ("decision_implementation", "plan_id", "任务分解", Record("work_plan")),
    ("supervision_note", "implementation_id", "决策部署", Text),
    ("supervision_note", "task_id", "任务", Record("task")),
    ("supervision_note", "text", "督办事项", Text),
    ("supervision_note", "deadline", "反馈期限", Text),
    ("supervision_note", "unit_id", "督办单位", Unit),
    ("supervision_note", "person_id", "督办对象", Person),
    ("supervision_note", "answer", "反馈情况", Text),
    ("supervision_note", "answered_on", "反馈日期", Text),
    ("supervision_note", "closed_on", "办结日期", Text),
    ("supervision_note", "note", "办结意见", Text),
    ("integrity_file", "note", "查阅情况", Text),
    ("integrity_reply", "person_id", "干部", Person),
    ("integrity_reply", "addressee", "主送单位", Text),
    ("integrity_reply", "purpose", "征求意见事由", Text),
    ("integrity_reply", "as_of", "截至日期", Text),
    ("integrity_reply", "conclusion", "结论", Dict(|k| Conclusion::from_key(k).map(Conclusion::label))),
    ("integrity_reply", "body", "回复正文", Text),
    ("integrity_reply", "number", "文号", Text),
    ("integrity_reply", "signed_on", "签发日期", Text),
    ("integrity_reply", "signer_name", "签发人", Text),
];

fn kind_word(k: &str) -> Option<&'static str> {
    EntryKind::from_key(k).map(EntryKind::label).or_else(|| UnitKind::from_key(k).map(UnitKind::label))
}

fn role_word(k: &str) -> Option<&'static str> {
    ResponsibilityRole::from_key(k).map(ResponsibilityRole::label).or_else(|| builtin_role(k).map(|r| r.name))
}

pub fn action_label(a: &str) -> &str {
    ACTIONS.iter().find(|(k, _, _)| *k == a).map(|(_, l, _)| *l).unwrap_or(a)
}

pub fn entity_label(e: &str) -> &str {
    ENTITIES.iter().find(|(k, ..)| *k == e).map(|(_, l, ..)| *l).unwrap_or(e)
}

/// The field's label and how it reads: the record's own meaning first (a task's `parent_id` is
/// its parent task), then the common one.
fn field(entity: &str, key: &str) -> (&'static str, How) {
    let own = ENTITY_FIELDS.iter().find(|(e, k, ..)| *e == entity && *k == key).map(|(.., l, h)| (*l, *h));
    own.or_else(|| FIELDS.iter().find(|(k, ..)| *k == key).map(|(_, l, h)| (*l, *h))).unwrap_or(("", Text))
}

/// One changed field: its label, the old value (None when the record is new or the field is a
/// plain fact of the step) and the new one, in words.
pub struct Change {
    pub label: String,
    pub old: Option<String>,
    pub new: String,
}

/// One line of the readable trail.
pub struct Line {
    pub id: i64,
    pub time: String,
    pub actor: String,
    pub address: String,
    /// the sentence around the object: `before` + object + `after`
    pub before: String,
    pub object: String,
    /// the object's page, when it has one
    pub href: String,
    pub after: String,
    pub changes: Vec<Change>,
}

impl Line {
    /// The sentence without its time, as the export writes it: "王飞江 将问题 #31《…》验收销号".
    pub fn sentence(&self) -> String {
        format!("{} {}{}{}", self.actor, self.before, self.object, self.after)
    }

    /// The changes in one line of text: "状态：已反馈 → 整改中；说明：…".
    pub fn changes_text(&self) -> String {
        let parts: Vec<String> = self
            .changes
            .iter()
            .map(|c| match &c.old {
                Some(old) => format!("{}：{old} → {}", c.label, c.new),
                None => format!("{}：{}", c.label, c.new),
            })
            .collect();
        parts.join("；")
    }
}

/// The ids a page of records names: accounts, units, people and (entity, id) records.
pub type Wanted = (Vec<i64>, Vec<i64>, Vec<i64>, Vec<(String, i64)>);

/// The ids of a page of records that their lines name.
pub fn wanted(records: &[AuditRecord]) -> Wanted {
    let (mut accounts, mut units, mut people, mut objects) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for r in records {
        accounts.extend(r.account_id);
        if let (Some((_, _, _, titled)), Ok(id)) = (ENTITIES.iter().find(|e| e.0 == r.entity), r.entity_id.parse()) {
            if !titled.is_empty() {
                objects.insert((titled.to_string(), id));
            }
        }
        let diff: Value = serde_json::from_str(&r.diff).unwrap_or(Value::Null);
        for (key, v) in diff.as_object().into_iter().flatten() {
            let ids = numbers(v);
            match field(&r.entity, key).1 {
                Unit => units.extend(ids),
                Person => people.extend(ids),
                Record(e) => objects.extend(ids.into_iter().map(|id| (e.to_string(), id))),
                _ => {}
            }
        }
    }
    let v = |s: BTreeSet<i64>| s.into_iter().collect();
    (v(accounts), v(units), v(people), objects.into_iter().collect())
}

/// Every integer in a value (nested arrays included).
fn numbers(v: &Value) -> Vec<i64> {
    match v {
        Value::Number(n) => n.as_i64().into_iter().collect(),
        Value::Array(a) => a.iter().flat_map(numbers).collect(),
        _ => vec![],
    }
}

/// At most `n` characters of a title.
fn short(t: &str, n: usize) -> String {
    let t = t.trim();
    if t.chars().count() <= n {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(n).collect::<String>())
    }
}

/// A record as a line in words.
pub fn line(r: &AuditRecord, names: &Names) -> Line {
    let entity = ENTITIES.iter().find(|e| e.0 == r.entity);
    let label = entity.map(|e| e.1).unwrap_or(r.entity.as_str());
    let id: Option<i64> = r.entity_id.parse().ok();
    let title = entity.zip(id).and_then(|(e, id)| names.objects.get(&(e.3.to_string(), id)));
    let object = match (id, title) {
        (Some(id), Some(t)) => format!("{label} #{id}《{}》", short(t, 30)),
        (Some(id), None) => format!("{label} #{id}"),
        (None, _) if r.entity_id == "batch" => format!("{label}（批量）"),
        (None, _) if r.entity_id.is_empty() => label.to_string(),
        (None, _) => format!("{label} {}", r.entity_id),
    };
    let href = match (entity.and_then(|e| e.2), id) {
        (Some(prefix), Some(id)) => format!("{prefix}{id}"),
        _ => String::new(),
    };
    let sentence = ACTIONS.iter().find(|a| a.0 == r.action).map(|a| a.2).unwrap_or("{o}");
    let (before, after, object, href) = match sentence.split_once("{o}") {
        Some((b, a)) => (b.to_string(), a.to_string(), object, href),
        None => (sentence.to_string(), String::new(), String::new(), String::new()),
    };
    let actor =
        r.account_id.and_then(|a| names.accounts.get(&a).cloned()).unwrap_or_else(|| match r.username.as_str() {
            "system" | "demo" => "系统".to_string(),
            "jobs" => "定时任务".to_string(),
            "cli" => "命令行".to_string(),
            u => u.to_string(),
        });
    let time = local_time(r.at).chars().take(16).collect();
    Line { id: r.id, time, actor, address: r.address.clone(), before, object, href, after, changes: changes(r, names) }
}

/// The changed fields of a record in words.
fn changes(r: &AuditRecord, names: &Names) -> Vec<Change> {
    let diff: Value = serde_json::from_str(&r.diff).unwrap_or(Value::Null);
    let Some(map) = diff.as_object() else { return vec![] };
    let mut out = Vec::new();
    for (key, v) in map {
        let (label, how) = field(&r.entity, key);
        let label = if label.is_empty() { key.clone() } else { label.to_string() };
        let (old, new) = match v.as_array().filter(|a| a.len() == 2) {
            Some(pair) if pair[0].is_null() => (None, &pair[1]),
            Some(pair) => (Some(word(&pair[0], how, names)), &pair[1]),
            None => (None, v),
        };
        out.push(Change { label, old, new: word(new, how, names) });
    }
    out
}

/// A value in words.
fn word(v: &Value, how: How, names: &Names) -> String {
    if let How::Secret = how {
        return "******".into();
    }
    match v {
        Value::Null => "（空）".into(),
        Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        Value::Array(a) if a.is_empty() => "（无）".into(),
        Value::Array(a) => a.iter().map(|x| word(x, how, names)).collect::<Vec<_>>().join("、"),
        Value::Number(n) => match (how, n.as_i64()) {
            (Unit, Some(id)) => names.units.get(&id).cloned().unwrap_or_else(|| format!("单位 #{id}")),
            (Person, Some(id)) => names.people.get(&id).cloned().unwrap_or_else(|| format!("人员 #{id}")),
            (Record(e), Some(id)) => match names.objects.get(&(e.to_string(), id)) {
                Some(t) => format!("#{id}《{}》", short(t, 20)),
                None => format!("#{id}"),
            },
            _ => n.to_string(),
        },
        Value::String(s) => match how {
            Dict(f) => f(s).map(str::to_string).unwrap_or_else(|| s.clone()),
            _ => s.clone(),
        },
        Value::Object(m) => {
            let part = |(k, x): (&String, &Value)| format!("{}：{}", kind_label(k), word(x, Text, names));
            m.iter().map(part).collect::<Vec<_>>().join("，")
        }
    }
}
