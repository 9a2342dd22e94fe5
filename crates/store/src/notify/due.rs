//! Which reminders are due, and who receives them: the organisation facts of a pass
//! ([`Directory`]) and the reminders of tasks, rectification measures, look-backs and
//! responsibility items.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use super::{NewNotification, Reminder, LEVEL_RED, LEVEL_YELLOW};
use crate::{args, Db, StoreResult};

/// The organisation facts reminders need: accounts of people, supervisors, unit tree, 分管 and
/// the head of each unit. Loaded once per pass.
#[derive(Debug, Default)]
pub struct Directory {
    accounts_of_person: HashMap<i64, Vec<i64>>,
    supervisors: Vec<i64>,
    parent: HashMap<i64, Option<i64>>,
    unit_name: HashMap<i64, String>,
    in_charge: HashMap<i64, Vec<i64>>,
    /// people with the role 主要负责人, by unit
    principals: HashMap<i64, Vec<i64>>,
    /// middle-level people (支部书记, 科长 …), by unit: the head of a division or branch
    middles: HashMap<i64, Vec<i64>>,
}

#[derive(sqlx::FromRow)]
struct PersonFacts {
    id: i64,
    unit_id: i64,
    roles: String,
    title: String,
}

impl Directory {
    pub async fn load(db: &Db) -> StoreResult<Directory> {
        let mut d = Directory::default();
        let rows: Vec<(i64, i64)> = db
            .fetch_all(
                "SELECT person_id, id FROM accounts WHERE person_id IS NOT NULL AND disabled = FALSE ORDER BY id",
                vec![],
            )
            .await?;
        for (person, account) in rows {
            d.accounts_of_person.entry(person).or_default().push(account);
        }
        let rows: Vec<(i64,)> = db
            .fetch_all(
                "SELECT DISTINCT a.id FROM accounts a JOIN account_roles r ON r.account_id = a.id \
                 WHERE r.role_key = 'supervisor' AND a.disabled = FALSE ORDER BY a.id",
                vec![],
            )
            .await?;
        d.supervisors = rows.into_iter().map(|r| r.0).collect();
        let rows: Vec<(i64, Option<i64>, String)> =
            db.fetch_all("SELECT id, parent_id, name FROM units", vec![]).await?;
        for (id, parent, name) in rows {
            d.parent.insert(id, parent);
            d.unit_name.insert(id, name);
        }
        let rows: Vec<(i64, i64)> = db
            .fetch_all(
                "SELECT c.unit_id, c.person_id FROM in_charge_of c JOIN people p ON p.id = c.person_id \
                 WHERE p.status = 'active' AND p.voided_at IS NULL ORDER BY c.person_id",
                vec![],
            )
            .await?;
        for (unit, person) in rows {
            d.in_charge.entry(unit).or_default().push(person);
        }
        let people: Vec<PersonFacts> = db
            .fetch_all(
                "SELECT id, unit_id, roles, title FROM people WHERE status = 'active' AND voided_at IS NULL AND (roles <> '' OR title <> '') ORDER BY id",
                vec![],
            )
            .await?;
        for p in people {
            match super::heads_unit(&p.roles, &p.title) {
                Some(true) => d.principals.entry(p.unit_id).or_default().push(p.id),
                Some(false) => d.middles.entry(p.unit_id).or_default().push(p.id),
                None => {}
            }
        }
        Ok(d)
    }

    pub fn unit_name(&self, unit: i64) -> &str {
        self.unit_name.get(&unit).map(String::as_str).unwrap_or("")
    }

    /// Enabled accounts of a person.
    pub fn accounts(&self, person: i64) -> &[i64] {
        self.accounts_of_person.get(&person).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Accounts holding the role `supervisor` (纪检监察组).
    pub fn supervisors(&self) -> &[i64] {
        &self.supervisors
    }

    /// The unit and its ancestors, nearest first.
    fn up(&self, unit: i64) -> Vec<i64> {
        let mut out = vec![unit];
        let mut cur = unit;
        while let Some(Some(p)) = self.parent.get(&cur) {
            if out.contains(p) {
                break;
            }
            out.push(*p);
            cur = *p;
        }
        out
    }

    /// The head of a unit: its 主要负责人, or else its middle-level head (支部书记, 科长).
    pub fn head(&self, unit: i64) -> Vec<i64> {
        self.principals.get(&unit).or_else(|| self.middles.get(&unit)).cloned().unwrap_or_default()
    }

    /// The leader a unit answers to: the 分管 leader of the unit or of its nearest ancestor with
    /// one, or else the 主要负责人 of the nearest ancestor that has one.
    pub fn leaders(&self, unit: i64) -> Vec<i64> {
        let chain = self.up(unit);
        for u in &chain {
            if let Some(people) = self.in_charge.get(u) {
                return people.clone();
            }
        }
        for u in chain.iter().skip(1) {
            if let Some(people) = self.principals.get(u) {
                return people.clone();
            }
        }
        Vec::new()
    }
}

/// Adds the accounts of `people` to `out`, keeping order and skipping duplicates.
pub(super) fn add_accounts(dir: &Directory, people: &[i64], out: &mut Vec<i64>) {
    for p in people {
        for a in dir.accounts(*p) {
            if !out.contains(a) {
                out.push(*a);
            }
        }
    }
}

pub(super) fn add_supervisors(dir: &Directory, out: &mut Vec<i64>) {
    for a in dir.supervisors() {
        if !out.contains(a) {
            out.push(*a);
        }
    }
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    title: String,
    deadline: NaiveDate,
    lead_unit_id: i64,
    lead_person_id: Option<i64>,
    person_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MeasureRow {
    id: i64,
    finding_id: i64,
    text: String,
    deadline: NaiveDate,
    unit_id: i64,
    responsible_person_id: i64,
    responsible_leader_id: Option<i64>,
    person_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    item_id: i64,
    state: String,
    required: i64,
    done: i64,
    next_due: Option<NaiveDate>,
    text: String,
    unit_id: i64,
    unit_name: String,
    person_id: Option<i64>,
    person_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LookBackRow {
    id: i64,
    unit_id: i64,
    description: String,
    look_back_due: NaiveDate,
}

/// What a reminder is about: the record and the facts its message names. The wording and the
/// page link are the web layer's.
#[derive(Debug, Clone, PartialEq)]
pub enum DueSubject {
    /// A task not completed: due within the lead days, or overdue.
    Task {
        task_id: i64,
        title: String,
        deadline: NaiveDate,
        /// days from today to the deadline (0 or less when overdue)
        days_left: i64,
        overdue: bool,
        unit_name: String,
        person_name: Option<String>,
    },
    /// A rectification measure not completed, of a finding not signed off.
    Measure {
        measure_id: i64,
        finding_id: i64,
        text: String,
        deadline: NaiveDate,
        days_left: i64,
        overdue: bool,
        unit_name: String,
        person_name: Option<String>,
    },
    /// A finding whose 回头看 is due and has no result.
    LookBack { finding_id: i64, unit_name: String, description: String, due: NaiveDate },
    /// A 任前廉政谈话 not yet held after a post change (reminded weekly until it is recorded).
    PreAppointmentTalk {
        person_id: i64,
        person_name: String,
        /// the new post: "综合科科长"
        post: String,
        changed_on: NaiveDate,
    },
    /// A follow-up of a talk whose deadline is near or past.
    TalkFollowUp {
        entry_id: i64,
        talk_date: NaiveDate,
        content: String,
        deadline: NaiveDate,
        days_left: i64,
        person_name: String,
    },
    /// A 请示 past the day its answer was due, with no answer recorded.
    RequestUnanswered { matter_id: i64, title: String, addressee: String, submitted_on: NaiveDate, due: NaiveDate },
    /// A responsibility item 临期 or 滞后 in the fulfilment snapshot.
    Item {
        item_id: i64,
        text: String,
        due: NaiveDate,
        done: i64,
        required: i64,
        overdue: bool,
        unit_name: String,
        person_name: Option<String>,
    },
    /// The annual 个人有关事项 report of `year` not filed: due soon, or overdue.
    PersonalAnnual { person_id: i64, person_name: String, year: i64, due: NaiveDate, days_left: i64, overdue: bool },
    /// A 婚丧喜庆 held on `event_date` whose actual figures are not reported.
    FamilyActual { event_id: i64, person_name: String, kind: String, event_date: NaiveDate },
    /// Gifts from 管理服务对象 not handed in by `due`.
    FamilyGifts { event_id: i64, person_name: String, kind: String, due: NaiveDate },
    /// A clue under 谈话函询 or 初步核实 (`what`: 函询回复 or 初步核实): its due day near, or past.
    /// The words name the register number only, never the matter.
    ClueDue { clue_id: i64, register_no: String, what: String, due: NaiveDate, days_left: i64, overdue: bool },
    /// A 督办 not answered: its deadline near (or today), or past.
    SupervisionNote {
        note_id: i64,
        /// the decision pressed on
        title: String,
        text: String,
        deadline: NaiveDate,
        days_left: i64,
        overdue: bool,
        unit_name: String,
        person_name: Option<String>,
    },
}

impl DueSubject {
    /// Whether a task's, measure's or item's deadline has passed (the others are only "due").
    fn is_overdue(&self) -> bool {
        match self {
            DueSubject::Task { overdue, .. }
            | DueSubject::Measure { overdue, .. }
            | DueSubject::Item { overdue, .. }
            | DueSubject::PersonalAnnual { overdue, .. }
            | DueSubject::SupervisionNote { overdue, .. }
            | DueSubject::ClueDue { overdue, .. } => *overdue,
            DueSubject::FamilyGifts { .. } => true,
            DueSubject::FamilyActual { .. } => false,
            DueSubject::LookBack { .. }
            | DueSubject::PreAppointmentTalk { .. }
            | DueSubject::TalkFollowUp { .. }
            | DueSubject::RequestUnanswered { .. } => false,
        }
    }
}

/// One due reminder for one recipient: the facts; [`Reminder`] adds the notification.
#[derive(Debug, Clone, PartialEq)]
pub struct DueReminder {
    /// `source:id:stage:a<account>`, with `due_date` what makes a reminder fire once
    pub key: String,
    pub due_date: NaiveDate,
    pub account_id: i64,
    /// the notification kind (`task_due_soon` …, see [`super::KINDS`])
    pub kind: &'static str,
    /// [`LEVEL_YELLOW`] or [`LEVEL_RED`]
    pub level: &'static str,
    pub subject: DueSubject,
}

impl DueReminder {
    /// The reminder with its notification, for [`super::fire`].
    pub fn with_notification(&self, title: String, body: String, link: String) -> Reminder {
        Reminder {
            key: self.key.clone(),
            due_date: self.due_date,
            notification: NewNotification {
                account_id: self.account_id,
                kind: self.kind.into(),
                level: self.level.into(),
                title,
                body,
                link,
            },
        }
    }
}

/// Collects the reminders of one source object, one for each recipient.
pub(super) struct Batch<'a> {
    pub(super) out: &'a mut Vec<DueReminder>,
}

impl Batch<'_> {
    /// A deadline's reminder: yellow (`kinds[0]`) to `to` before it, red (`kinds[1]`) to `to`
    /// and the supervisors once it has passed (the subject says which).
    pub(super) fn push_deadline(
        &mut self,
        dir: &Directory,
        (source, id, due): (&str, i64, NaiveDate),
        mut to: Vec<i64>,
        kinds: [&'static str; 2],
        subject: DueSubject,
    ) {
        if subject.is_overdue() {
            add_supervisors(dir, &mut to);
            self.push(source, id, "overdue", due, &to, kinds[1], LEVEL_RED, subject);
        } else {
            self.push(source, id, "soon", due, &to, kinds[0], LEVEL_YELLOW, subject);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        source: &str,
        id: i64,
        stage: &str,
        due: NaiveDate,
        recipients: &[i64],
        kind: &'static str,
        level: &'static str,
        subject: DueSubject,
    ) {
        for a in recipients {
            self.out.push(DueReminder {
                key: format!("{source}:{id}:{stage}:a{a}"),
                due_date: due,
                account_id: *a,
                kind,
                level,
                subject: subject.clone(),
            });
        }
    }
}

/// Every reminder that is due as of `today` (whether or not it already fired):
///
/// - tasks and rectification measures not completed, `lead_days` days before their deadline
///   (yellow): the responsible person and their leader; on and after it (red): the responsible
///   person, the leader and the supervisors. A task's responsible person is its 责任人, or the
///   head of its lead unit; its leader is the 分管 leader of the lead unit. A measure's leader is
///   its 责任领导, or the 分管 leader of the finding's unit;
/// - findings whose 回头看 is due and has no result: the 纪检监察组 covering the finding's unit
///   ([`super::sign_off_accounts`]: the role `supervisor`, or a custom role with the sign-off
///   permission whose scope covers the unit);
/// - responsibility items of the year that are 临期 (yellow) or 滞后 (red) in the fulfilment
///   snapshot: the item's person, or for a unit-level item the head of the unit;
/// - 任前廉政谈话 due and follow-ups of talks (see [`super::due_talks`]);
/// - 请示 whose answer is overdue (see [`super::due_matters`]);
/// - 督办 not answered, near or past their deadline (see [`super::due_supervision`]).
pub async fn due_reminders(
    db: &Db,
    dir: &Directory,
    today: NaiveDate,
    lead_days: u32,
) -> StoreResult<Vec<DueReminder>> {
    let mut out = Vec::new();
    let mut b = Batch { out: &mut out };
    let horizon = today + Duration::days(i64::from(lead_days));

    let tasks: Vec<TaskRow> = db
        .fetch_all(
            "SELECT t.id, t.title, t.deadline, t.lead_unit_id, t.lead_person_id, p.name AS person_name \
             FROM tasks t LEFT JOIN people p ON p.id = t.lead_person_id \
             WHERE t.completed_on IS NULL AND t.voided_at IS NULL AND t.deadline <= $1 ORDER BY t.deadline, t.id",
            args![horizon],
        )
        .await?;
    for t in tasks {
        let responsible = match t.lead_person_id {
            Some(p) => vec![p],
            None => dir.head(t.lead_unit_id),
        };
        let mut to = Vec::new();
        add_accounts(dir, &responsible, &mut to);
        add_accounts(dir, &dir.leaders(t.lead_unit_id), &mut to);
        let overdue = t.deadline <= today;
        let subject = DueSubject::Task {
            task_id: t.id,
            days_left: (t.deadline - today).num_days(),
            overdue,
            title: t.title,
            deadline: t.deadline,
            unit_name: dir.unit_name(t.lead_unit_id).to_string(),
            person_name: t.person_name,
        };
        b.push_deadline(dir, ("task", t.id, t.deadline), to, ["task_due_soon", "task_overdue"], subject);
    }

    let measures: Vec<MeasureRow> = db
        .fetch_all(
            "SELECT m.id, m.finding_id, m.text, m.deadline, f.unit_id, m.responsible_person_id, m.responsible_leader_id, \
             p.name AS person_name FROM rectification_measures m JOIN findings f ON f.id = m.finding_id \
             LEFT JOIN people p ON p.id = m.responsible_person_id \
             WHERE m.completed_on IS NULL AND f.signed_off_on IS NULL AND m.deadline <= $1 ORDER BY m.deadline, m.id",
            args![horizon],
        )
        .await?;
    for m in measures {
        let leaders = match m.responsible_leader_id {
            Some(l) => vec![l],
            None => dir.leaders(m.unit_id),
        };
        let mut to = Vec::new();
        add_accounts(dir, &[m.responsible_person_id], &mut to);
        add_accounts(dir, &leaders, &mut to);
        let overdue = m.deadline <= today;
        let subject = DueSubject::Measure {
            measure_id: m.id,
            finding_id: m.finding_id,
            days_left: (m.deadline - today).num_days(),
            overdue,
            text: m.text,
            deadline: m.deadline,
            unit_name: dir.unit_name(m.unit_id).to_string(),
            person_name: m.person_name,
        };
        let kinds = ["rectification_due_soon", "rectification_overdue"];
        b.push_deadline(dir, ("measure", m.id, m.deadline), to, kinds, subject);
    }

    let look_backs: Vec<LookBackRow> = db
        .fetch_all(
            "SELECT id, unit_id, description, look_back_due FROM findings \
             WHERE look_back_due IS NOT NULL AND look_back_due <= $1 AND look_back_result IS NULL ORDER BY look_back_due, id",
            args![today],
        )
        .await?;
    // the 纪检监察组 covering each finding's unit, read once per unit
    let mut groups: HashMap<i64, Vec<i64>> = HashMap::new();
    if !look_backs.is_empty() {
        let mut tx = db.begin().await?;
        for f in &look_backs {
            if let std::collections::hash_map::Entry::Vacant(slot) = groups.entry(f.unit_id) {
                slot.insert(super::sign_off_accounts(&mut tx, f.unit_id).await?);
            }
        }
        // read only: dropping the transaction rolls it back
        drop(tx);
    }
    for f in look_backs {
        let to = groups.get(&f.unit_id).cloned().unwrap_or_default();
        let subject = DueSubject::LookBack {
            finding_id: f.id,
            unit_name: dir.unit_name(f.unit_id).to_string(),
            description: f.description,
            due: f.look_back_due,
        };
        b.push("look_back", f.id, "due", f.look_back_due, &to, "look_back_due", LEVEL_YELLOW, subject);
    }

    super::due_talks::talk_reminders(db, dir, today, lead_days, &mut b).await?;
    super::due_matters::request_reminders(db, dir, today, &mut b).await?;
    super::due_supervision::note_reminders(db, dir, today, lead_days, &mut b).await?;
    super::due_supervision::clue_reminders(db, dir, today, lead_days, &mut b).await?;

    let year = i64::from(chrono::Datelike::year(&today));
    let has_items: Option<(i64,)> = db
        .fetch_optional("SELECT id FROM responsibility_items WHERE year = $1 AND active = TRUE LIMIT 1", args![year])
        .await?;
    if has_items.is_some() {
        let snapshot = crate::fulfilment::ensure_snapshot(db, year, today, lead_days).await?;
        let items: Vec<ItemRow> = db
            .fetch_all(
                "SELECT s.item_id, s.state, s.required, s.done, s.next_due, i.text, i.unit_id, u.name AS unit_name, \
                 i.person_id, p.name AS person_name FROM fulfilment_item_states s \
                 JOIN responsibility_items i ON i.id = s.item_id JOIN units u ON u.id = i.unit_id \
                 LEFT JOIN people p ON p.id = i.person_id \
                 WHERE s.snapshot_id = $1 AND s.state IN ('due_soon', 'overdue') ORDER BY s.item_id",
                args![snapshot.id],
            )
            .await?;
        for it in items {
            let people = match it.person_id {
                Some(p) => vec![p],
                None => dir.head(it.unit_id),
            };
            let mut to = Vec::new();
            add_accounts(dir, &people, &mut to);
            let due = it.next_due.unwrap_or(today);
            let overdue = it.state == "overdue";
            let (stage, kind, level) =
                if overdue { ("overdue", "item_overdue", LEVEL_RED) } else { ("soon", "item_due_soon", LEVEL_YELLOW) };
            let subject = DueSubject::Item {
                item_id: it.item_id,
                text: it.text,
                due,
                done: it.done,
                required: it.required,
                overdue,
                unit_name: it.unit_name,
                person_name: it.person_name,
            };
            b.push("item", it.item_id, stage, due, &to, kind, level, subject);
        }
    }
    Ok(out)
}
