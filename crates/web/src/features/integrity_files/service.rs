//! 廉政档案: who may open a person's file, and the file assembled from what the other modules
//! hold, one function per section. Each section follows its module's own rule for what this
//! reader may see (a discipline talk's summary, a report's content, a sanction): a hidden part
//! says so instead of showing nothing. Every opening of a file is audited; a refusal is a 404
//! and an audit row, as for a sanction.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::access::Permission;
use qingfeng_domain::dict::PersonStatus;
use qingfeng_domain::fulfilment::Tally;
use qingfeng_domain::time::{office_date, office_today};
use qingfeng_store::discipline::{self as discipline_store, DisciplineRecord, RecordFilter};
use qingfeng_store::family_events::{self, EventFilter};
use qingfeng_store::findings::{self, Finding, FindingFilter, MeasureFilter};
use qingfeng_store::integrity::{self as store, IntegrityReply};
use qingfeng_store::org::people::{self, Person};
use qingfeng_store::personal_reports::{self, ReportFilter};
use qingfeng_store::query::Reader;
use qingfeng_store::responsibility::{self as resp, ItemFilter};
use qingfeng_store::talks::{self, TalkFilter};
use qingfeng_store::{assessments, audit, clues, study, Scope, StoreError};
use serde::Serialize;

use crate::auth::Principal;
use crate::features::findings::service::is_discipline_group;
use crate::features::fulfilment::service::{view as tally_view, TallyView};
use crate::features::responsibility::service::with_status;
use crate::features::{discipline, family_events as family, personal_reports as reports, talks as talk};
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// Who is reading a file, which decides what each section shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Viewer {
    /// the 纪检监察组: everything in its scope
    Group,
    /// the person themself: all but the clues and the replies about them
    Own,
    /// another holder of the right to read files (组织人事): no sanctions, clues or report contents
    Org,
}

impl Viewer {
    pub fn label(self) -> &'static str {
        match self {
            Viewer::Group => "纪检监察组",
            Viewer::Own => "本人",
            Viewer::Org => "组织人事部门",
        }
    }
}

/// The person whose file `person` is, if the caller may open it; for anyone else a 404 and an
/// audit row saying who asked.
pub async fn open(state: &AppState, p: &Principal, person: i64) -> ApiResult<(Person, Viewer)> {
    let found = if p.person_id == Some(person) {
        people::get(&state.db, &Scope::all(), person).await.map(|x| (x, Viewer::Own))
    } else if p.can(Permission::IntegrityRead) {
        let viewer = if is_discipline_group(state, p).await? { Viewer::Group } else { Viewer::Org };
        people::get(&state.db, &p.scope, person).await.map(|x| (x, viewer))
    } else {
        Err(StoreError::NotFound)
    };
    match found {
        Err(StoreError::NotFound) => {
            audit::refused_view(&state.db, &p.actor(), "integrity_file", person).await?;
            Err(ApiError::NotFound)
        }
        other => Ok(other?),
    }
}

/// One dated line of a file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileEntry {
    pub date: NaiveDate,
    /// the section's key
    pub section: String,
    pub section_label: String,
    pub text: String,
    /// the record's page, when this reader may open it
    pub href: Option<String>,
}

/// A part of the file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Section {
    pub key: String,
    pub label: String,
    /// false: withheld from this reader (the note says why) or not kept by the system yet
    pub shown: bool,
    pub note: String,
    /// in time order
    pub entries: Vec<FileEntry>,
}

impl Section {
    fn new(key: &str, label: &str, mut entries: Vec<FileEntry>) -> Section {
        entries.sort_by_key(|e| e.date);
        for e in &mut entries {
            e.section = key.into();
            e.section_label = label.into();
        }
        Section { key: key.into(), label: label.into(), shown: true, note: String::new(), entries }
    }

    fn withheld(key: &str, label: &str, note: &str) -> Section {
        Section { key: key.into(), label: label.into(), shown: false, note: note.into(), entries: Vec::new() }
    }

    fn noted(mut self, note: impl Into<String>) -> Section {
        self.note = note.into();
        self
    }
}

fn entry(date: NaiveDate, text: impl Into<String>, href: Option<String>) -> FileEntry {
    FileEntry { date, section: String::new(), section_label: String::new(), text: text.into(), href }
}

/// Responsibility fulfilment of one year.
#[derive(Serialize, utoipa::ToSchema)]
pub struct YearFulfilment {
    pub year: i64,
    pub tally: TallyView,
}

/// A person's 廉政档案 as this reader may see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IntegrityFile {
    pub person: Person,
    pub viewer: Viewer,
    pub as_of: NaiveDate,
    pub fulfilment: Vec<YearFulfilment>,
    pub sections: Vec<Section>,
    /// the 党风廉政意见回复 about the person (empty unless the reader may see them)
    pub replies: Vec<IntegrityReply>,
}

impl IntegrityFile {
    /// Every shown entry, in time order.
    pub fn timeline(&self) -> Vec<&FileEntry> {
        let mut all: Vec<&FileEntry> = self.sections.iter().flat_map(|s| &s.entries).collect();
        all.sort_by_key(|e| e.date);
        all
    }
}

/// The file of `person`, assembled for the caller (who must have been let in by [`open`]);
/// the opening is audited.
pub async fn assemble(state: &AppState, p: &Principal, person: Person, viewer: Viewer) -> ApiResult<IntegrityFile> {
    let id = person.id;
    let today = office_today();
    let fulfilment = fulfilment(state, id).await?;
    let mut sections = vec![posts(state, &person).await?, fulfilment_section(&fulfilment)];
    sections.push(talk_section(state, p, id).await?);
    sections.push(study_section(state, id, today).await?);
    sections.push(personal_report_section(state, p, id).await?);
    sections.push(family_section(state, p, id).await?);
    sections.push(finding_section(state, viewer, id, today).await?);
    sections.push(discipline_section(state, p, viewer, id, today).await?);
    sections.push(clue_section(state, viewer, id).await?);
    sections.push(assessment_section(state, p, id, today).await?);
    let replies = match viewer {
        Viewer::Own => Vec::new(),
        Viewer::Group | Viewer::Org => store::replies_of(&state.db, id).await?,
    };
    store::log_view(&state.db, &p.actor(), id, &format!("{}查阅{}的廉政档案", viewer.label(), person.name)).await?;
    Ok(IntegrityFile { person, viewer, as_of: today, fulfilment, sections, replies })
}

/// 任职情况: the person's history of units, posts and status.
async fn posts(state: &AppState, person: &Person) -> ApiResult<Section> {
    let status = |k: &str| PersonStatus::from_key(k).map_or(k.to_string(), |s| s.label().to_string());
    let post = |unit: &str, title: &str| format!("{unit}{title}");
    let entries = people::transfers(&state.db, person.id)
        .await?
        .into_iter()
        .map(|t| {
            let to = post(&t.to_unit_name, &t.to_title);
            let text = match &t.from_unit_name {
                None => format!("建立人员信息：{to}"),
                Some(from) if t.from_unit_id != Some(t.to_unit_id) => {
                    format!("由{}调任{to}", post(from, &t.from_title))
                }
                Some(_) if t.from_title != t.to_title && !t.to_title.is_empty() => {
                    format!("职务由“{}”变更为“{}”", t.from_title, t.to_title)
                }
                Some(_) => format!("人员状态由“{}”变更为“{}”", status(&t.from_status), status(&t.to_status)),
            };
            let note = if t.note.trim().is_empty() { String::new() } else { format!("（{}）", t.note.trim()) };
            entry(office_date(t.changed_at), format!("{text}{note}"), None)
        })
        .collect();
    Ok(Section::new("posts", "任职情况", entries))
}

/// 落实主体责任（一岗双责）: the person's responsibility items by year, with their fulfilment.
async fn fulfilment(state: &AppState, person: i64) -> ApiResult<Vec<YearFulfilment>> {
    let f = ItemFilter { person_id: Some(person), active_only: true, ..Default::default() };
    // the file's reader was let in for the person: every item of theirs counts
    let items = resp::items(&state.db, &Scope::all(), &f, None).await?.items;
    let mut by_year: BTreeMap<i64, Tally> = BTreeMap::new();
    for i in with_status(state, items).await? {
        by_year.entry(i.item.year).or_default().add(&i.status);
    }
    Ok(by_year.into_iter().map(|(year, t)| YearFulfilment { year, tally: tally_view(&t) }).collect())
}

fn year_end(year: i64, today: NaiveDate) -> NaiveDate {
    let end = NaiveDate::from_ymd_opt(i32::try_from(year).unwrap_or(1970), 12, 31).unwrap_or(today);
    end.min(today)
}

fn fulfilment_section(years: &[YearFulfilment]) -> Section {
    let today = office_today();
    let entries = years
        .iter()
        .map(|y| {
            let t = &y.tally;
            let rate = t.rate.map_or("暂无到期要求".to_string(), |r| format!("落实率{r}%"));
            let text =
                format!("{}年度责任事项{}项，已完成{}项，逾期{}项，{rate}", y.year, t.items, t.completed, t.overdue);
            entry(year_end(y.year, today), text, Some(format!("/dashboard?year={}", y.year)))
        })
        .collect();
    Section::new("fulfilment", "落实主体责任情况", entries)
}

/// 谈心谈话 and 廉政谈话 the person took part in; a discipline talk's content only for the
/// 纪检组 and those who took part (the talks module's rule).
async fn talk_section(state: &AppState, p: &Principal, person: i64) -> ApiResult<Section> {
    let f = TalkFilter { person_id: Some(person), ..Default::default() };
    let rows = talks::list(&state.db, &Scope::all(), &f, None).await?.items;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let v = talk::service::view(state, p, row).await?;
        let names =
            |xs: &[qingfeng_store::ledger::Named]| xs.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join("、");
        let mut text = format!("{}：{}与{}", v.kind_label, names(&v.talkers), names(&v.counterparts));
        if v.summary_hidden {
            text.push_str("（谈话内容仅纪检监察组和谈话双方可见）");
        } else if !v.talk.topics.is_empty() {
            text.push_str(&format!("，谈话主题：{}", v.talk.topics));
        }
        entries.push(entry(v.talk.entry_date, text, Some(format!("/talks/{}", v.talk.id))));
    }
    Ok(Section::new("talks", "谈心谈话和廉政谈话", entries))
}

/// Study sessions of the last five years the person was expected at: present, absent, made up.
async fn study_section(state: &AppState, person: i64, today: NaiveDate) -> ApiResult<Section> {
    let mut entries = Vec::new();
    let year = i64::from(today.year());
    for y in year - 4..=year {
        for s in study::person_sessions(&state.db, person, y).await? {
            let how = match (s.status.as_str(), s.makeup_date) {
                ("present", _) => "出席".to_string(),
                (_, Some(d)) => format!("缺席，{}补学", d),
                _ => "缺席".to_string(),
            };
            let text = format!("{}（{}）：{how}", s.topic, s.unit_name);
            entries.push(entry(s.entry_date, text, Some(format!("/study/{}", s.entry_id))));
        }
    }
    Ok(Section::new("study", "学习教育", entries))
}

/// 个人有关事项报告: kind and dates for everyone who may open the file; the content and the
/// review only for those the reports module lets read them (纪检组, the person).
async fn personal_report_section(state: &AppState, p: &Principal, person: i64) -> ApiResult<Section> {
    let whole = reports::service::is_group(p) || p.person_id == Some(person);
    let rows = personal_reports::list(&state.db, Reader::Own(person), &ReportFilter::default(), None).await?.items;
    let entries = rows
        .into_iter()
        .map(|r| {
            let what = if r.kind == "annual" {
                format!("个人有关事项{}（{}年度）", r.kind_label, r.year)
            } else {
                format!("个人有关事项报告：{}", r.event_kind_label)
            };
            let late = if r.late { "，逾期报告" } else { "" };
            let text = if whole {
                format!("{what}，{}填报{late}；核查：{}", r.reported_on, r.review_label)
            } else {
                format!("{what}，{}填报{late}", r.reported_on)
            };
            entry(r.reported_on, text, whole.then(|| format!("/personal-reports/{}", r.id)))
        })
        .collect();
    let s = Section::new("personal_reports", "个人有关事项报告", entries);
    Ok(if whole {
        s
    } else {
        s.noted("仅显示报告类别和日期；报告内容仅纪检监察组和本人可见")
    })
}

/// 婚丧喜庆 reports: kind and date for everyone; the figures only for the 纪检组 and the person.
async fn family_section(state: &AppState, p: &Principal, person: i64) -> ApiResult<Section> {
    let f = EventFilter { person_id: Some(person), ..Default::default() };
    let rows = family_events::list(&state.db, &Scope::all(), &f, None).await?.items;
    let mut whole_any = true;
    let entries = rows
        .into_iter()
        .map(|e| {
            let whole = family::service::may_read_whole(p, &e);
            whole_any &= whole;
            let text = if whole {
                format!(
                    "{}（{}），{}报告，计划{}人、{}桌、{}辆车",
                    e.kind_label, e.relation, e.reported_on, e.planned_people, e.planned_tables, e.planned_cars
                )
            } else {
                format!("{}，{}报告", e.kind_label, e.reported_on)
            };
            entry(e.event_date, text, whole.then(|| format!("/family-events/{}", e.id)))
        })
        .collect();
    let s = Section::new("family_events", "婚丧喜庆事宜报告", entries);
    Ok(if whole_any {
        s
    } else {
        s.noted("仅显示事项类别和日期；具体内容仅纪检监察组和本人可见")
    })
}

/// Findings the person is responsible for (or a measure of), and those measures.
async fn finding_section(state: &AppState, viewer: Viewer, person: i64, today: NaiveDate) -> ApiResult<Section> {
    let f = FindingFilter { person_id: Some(person), ..Default::default() };
    let rows: Vec<Finding> = findings::list(&state.db, &Scope::all(), &f, None, today).await?.items;
    let link = |path: String| (viewer != Viewer::Org).then_some(path);
    let mut entries: Vec<FileEntry> = rows
        .iter()
        .map(|x| {
            let overdue = if x.overdue { "，有整改措施逾期" } else { "" };
            let text = format!("发现问题（{}）：{}（{}{overdue}）", x.category_label, x.description, x.state_label);
            entry(x.found_on, text, link(format!("/findings/{}", x.id)))
        })
        .collect();
    let mf = MeasureFilter { person_id: Some(person), ..Default::default() };
    for m in findings::list_measures(&state.db, &Scope::all(), &mf, None, today).await?.items {
        if m.responsible_person_id != person {
            continue;
        }
        let text = format!("整改措施：{}（期限{}，{}）", m.text, m.deadline, m.status_label);
        entries.push(entry(m.deadline, text, link(format!("/findings/{}", m.finding_id))));
    }
    Ok(Section::new("findings", "问题和整改", entries))
}

/// 运用“四种形态”和党纪政务处分: only for the 纪检组 and the person (the discipline module's rule).
async fn discipline_section(
    state: &AppState,
    p: &Principal,
    viewer: Viewer,
    person: i64,
    today: NaiveDate,
) -> ApiResult<Section> {
    const KEY: &str = "discipline";
    const LABEL: &str = "运用“四种形态”和党纪政务处分";
    if viewer != Viewer::Own && !discipline::service::is_group(state, p).await? {
        return Ok(Section::withheld(KEY, LABEL, "仅纪检监察组和本人可见"));
    }
    let entries = discipline_records(state, person, today)
        .await?
        .into_iter()
        .map(|r| {
            let effect = match r.effect_until {
                Some(d) if r.in_effect => format!("，影响期至{d}（影响期内）"),
                Some(d) => format!("，影响期至{d}（已期满）"),
                None => String::new(),
            };
            let text = format!("{}：{}（{}决定{effect}）", r.form_label, r.measure_label, r.deciding_body);
            entry(r.decided_on, text, Some(format!("/discipline-records/{}", r.id)))
        })
        .collect();
    Ok(Section::new(KEY, LABEL, entries))
}

/// Every measure recorded about the person (the caller decides who may see them).
pub async fn discipline_records(state: &AppState, person: i64, today: NaiveDate) -> ApiResult<Vec<DisciplineRecord>> {
    let f = RecordFilter::default();
    Ok(discipline_store::list(&state.db, Reader::Own(person), &f, None, today).await?.items)
}

/// 问题线索 about the person: for the 纪检组 only (not even the person learns of them here).
async fn clue_section(state: &AppState, viewer: Viewer, person: i64) -> ApiResult<Section> {
    const KEY: &str = "clues";
    const LABEL: &str = "问题线索";
    if viewer != Viewer::Group {
        return Ok(Section::withheld(KEY, LABEL, "仅纪检监察组可见"));
    }
    let entries = clues::for_person(&state.db, person)
        .await?
        .into_iter()
        .map(|c| {
            let how =
                if c.disposition.is_empty() { String::new() } else { format!("，处置方式：{}", c.disposition) };
            entry(c.received_on, format!("{}：{}{how}", c.register_no, c.state), Some(format!("/clues/{}", c.id)))
        })
        .collect();
    Ok(Section::new(KEY, LABEL, entries))
}

/// 考核: the person's published yearly assessments as a 班子成员 (score and grade; the drill-down
/// for those who may open the assessments).
async fn assessment_section(state: &AppState, p: &Principal, person: i64, today: NaiveDate) -> ApiResult<Section> {
    let link = p.can(Permission::AssessmentRead);
    let entries = assessments::for_person(&state.db, person)
        .await?
        .into_iter()
        .map(|r| {
            let text = format!(
                "{}年度考核（{}）：{}.{:02}分，{}",
                r.year,
                r.unit_name,
                r.total_score / 100,
                r.total_score % 100,
                r.grade_label
            );
            entry(year_end(r.year, today), text, link.then(|| format!("/assessments/{}", r.round_id)))
        })
        .collect();
    Ok(Section::new("assessments", "年度考核", entries))
}

/// Whether the caller may draft and sign replies (the 纪检组 holding the right).
pub async fn may_reply(state: &AppState, p: &Principal) -> ApiResult<bool> {
    Ok(p.can(Permission::IntegrityReply) && is_discipline_group(state, p).await?)
}
