//! Notifications of workflow steps: each step of a finding, a task assigned or broken down and a
//! ledger entry corrected tells the people who must act next.
//!
//! The store decides who is told, inside the step's own transaction, and describes what happened
//! as a typed [`Event`]; the wording (title, body, page link) is the web layer's, handed in with
//! the [`Actor`] as a [`Words`]. An actor without wording (the command line, demo data) notifies
//! nobody. The actor is never told of their own step. Each notification is queued on the same
//! outbound channels as the reminders ([`Outbound`]).

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use qingfeng_domain::access::{builtin_role, Permission, ScopeKind};
use qingfeng_domain::dict::parse_roles;
use qingfeng_domain::dict::ResponsibilityRole;
use qingfeng_domain::responsibility::{person_level, Level};
use qingfeng_domain::voiding::Voidable;

use super::reminders::insert_notification;
use super::{Channel, NewNotification, LEVEL_INFO};
use crate::{args, Actor, Arg, Db, StoreResult, Tx};

/// What happened, with the facts its wording needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// 反馈: the group handed a finding to its unit.
    FindingFedBack { finding_id: i64, unit_name: String, description: String, note: String },
    /// 申请验收销号: the unit asks the group to sign the finding off.
    SignOffRequested { finding_id: i64, unit_name: String, description: String, note: String },
    /// 退回整改, with the reason.
    FindingReturned { finding_id: i64, unit_name: String, description: String, reason: String },
    /// 验收销号, with the day of the look-back.
    FindingSignedOff { finding_id: i64, unit_name: String, description: String, look_back_due: Option<NaiveDate> },
    /// A task given to a lead (new, broken down from `parent_title`, or handed to another lead).
    TaskAssigned { task_id: i64, title: String, deadline: NaiveDate, unit_name: String, parent_title: Option<String> },
    /// 提交审核: a unit submitted `count` risk points of its register of `year`.
    RiskSubmitted { unit_id: i64, unit_name: String, year: i32, count: usize },
    /// A risk point returned to its unit, with the reason.
    RiskReturned { point_id: i64, unit_name: String, point: String, reason: String },
    /// A risk point accepted into the year's register.
    RiskAccepted { point_id: i64, unit_name: String, point: String },
    /// An occurred risk point raised to `level` by the 纪检监察组.
    RiskRaised { point_id: i64, unit_name: String, point: String, level: String, reason: String },
    /// A ledger entry corrected so that the recipient's items gained or lost its credit.
    EntryCorrected {
        entry_id: i64,
        kind: String,
        date: NaiveDate,
        reason: String,
        gained: Vec<String>,
        lost: Vec<String>,
    },
    /// 补学: the recipient was recorded absent from a study session and should make it up.
    MakeupDue { entry_id: i64, kind: String, date: NaiveDate, topic: String },
    /// A collective-decision meeting saved with checks that fail (the rules newly failing).
    DecisionChecksFailed { meeting_id: i64, unit_name: String, body: String, held_on: NaiveDate, rules: Vec<String> },
    /// A spending or appointment needing a collective decision entered with no decision linked.
    DecisionUnrecorded { entry_id: i64, unit_name: String, matter: String, amount: String },
    /// A 婚丧喜庆 report that breaks rules (R-FAM-*): `flags` are "R-FAM-3 超规模" lines.
    FamilyEventFlagged { event_id: i64, person_name: String, kind: String, flags: Vec<String> },
    /// 插手干预记录: someone recorded a leader's interference in a major matter (the words name
    /// only the unit: the record itself is read on its page).
    InterferenceRecorded { matter_id: i64, unit_name: String },
    /// A unit's 三公经费 spending of a category reached the warning share (`percent` %) or the
    /// whole budget of the year (`level` in words).
    BudgetWarning {
        unit_name: String,
        year: i32,
        category: String,
        level: String,
        spent: String,
        budget: String,
        percent: i64,
    },
    /// 督办: the 纪检组 pressed the addressee on the decision `title`.
    SupervisionOpened { note_id: i64, title: String, text: String, deadline: NaiveDate, unit_name: String },
    /// The addressee answered a 督办.
    SupervisionAnswered { note_id: i64, title: String, unit_name: String, answer: String },
    /// The 纪检组 closed (办结) a 督办.
    SupervisionClosed { note_id: i64, title: String, note: String },
    /// A reception saved with checks that fail (the rules newly failing).
    ReceptionChecksFailed {
        reception_id: i64,
        unit_name: String,
        letter_unit: String,
        starts_on: NaiveDate,
        rules: Vec<String>,
    },
    /// A year's assessment published: the unit's score and grade.
    AssessmentPublished { round_id: i64, year: i32, unit_id: i64, unit_name: String, total: String, grade: String },
    /// A record voided (作废) or, with `restored`, restored, told to those it concerns: who
    /// recorded it, whose credit or task it was, the person themselves.
    RecordVoided { kind: Voidable, id: i64, what: String, reason: String, restored: bool },
}

impl Event {
    /// The notification kind (see [`super::KINDS`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::FindingFedBack { .. } => "finding_fed_back",
            Event::SignOffRequested { .. } => "sign_off_requested",
            Event::FindingReturned { .. } => "finding_returned",
            Event::FindingSignedOff { .. } => "finding_signed_off",
            Event::TaskAssigned { .. } => "task_assigned",
            Event::EntryCorrected { .. } => "entry_corrected",
            Event::RiskSubmitted { .. } => "risk_submitted",
            Event::RiskReturned { .. } => "risk_returned",
            Event::RiskAccepted { .. } => "risk_accepted",
            Event::RiskRaised { .. } => "risk_raised",
            Event::MakeupDue { .. } => "makeup_due",
            Event::DecisionChecksFailed { .. } => "decision_checks_failed",
            Event::DecisionUnrecorded { .. } => "decision_unrecorded",
            Event::FamilyEventFlagged { .. } => "family_event_flagged",
            Event::InterferenceRecorded { .. } => "interference_recorded",
            Event::BudgetWarning { .. } => "budget_warning",
            Event::SupervisionOpened { .. } => "supervision_opened",
            Event::SupervisionAnswered { .. } => "supervision_answered",
            Event::SupervisionClosed { .. } => "supervision_closed",
            Event::ReceptionChecksFailed { .. } => "reception_checks_failed",
            Event::AssessmentPublished { .. } => "assessment_published",
            Event::RecordVoided { restored: false, .. } => "record_voided",
            Event::RecordVoided { restored: true, .. } => "record_restored",
        }
    }
}

/// The words of a notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub title: String,
    pub body: String,
    pub link: String,
}

/// How events are worded: the web layer's, carried by the [`Actor`]. `by` is the actor's name.
pub trait Words: Send + Sync + std::fmt::Debug {
    fn word(&self, by: &str, event: &Event) -> Message;
}

/// The outbound channels notifications are queued on: the webhook, and e-mail (to the
/// recipient's address and every duty copy) when an SMTP relay is set.
#[derive(Debug, Clone, Default)]
pub struct Outbound {
    webhook: Option<String>,
    addresses: HashMap<i64, String>,
    copies: Vec<String>,
}

const OUTBOUND_SETTINGS: &str =
    "SELECT key, value FROM settings WHERE key IN ('webhook.url', 'smtp.host', 'smtp.from', 'notify.email_to')";
/// Each enabled account's address: its own, else the older `notify.email.<username>` setting.
const EMAIL_ADDRESSES: &str = "SELECT a.id, COALESCE(NULLIF(a.email, ''), s.value) FROM accounts a \
     LEFT JOIN settings s ON s.key = 'notify.email.' || a.username \
     WHERE a.disabled = FALSE AND COALESCE(NULLIF(a.email, ''), s.value) IS NOT NULL";

impl Outbound {
    /// Read outside a transaction (the reminder pass).
    pub async fn load(db: &Db) -> StoreResult<Outbound> {
        let settings = db.fetch_all(OUTBOUND_SETTINGS, vec![]).await?;
        let addresses = db.fetch_all(EMAIL_ADDRESSES, vec![]).await?;
        Ok(Outbound::from_rows(settings, addresses))
    }

    /// Read inside a step's transaction.
    pub async fn load_in(tx: &mut Tx) -> StoreResult<Outbound> {
        let settings = tx.fetch_all(OUTBOUND_SETTINGS, vec![]).await?;
        let addresses = tx.fetch_all(EMAIL_ADDRESSES, vec![]).await?;
        Ok(Outbound::from_rows(settings, addresses))
    }

    fn from_rows(settings: Vec<(String, String)>, addresses: Vec<(i64, String)>) -> Outbound {
        let get = |k: &str| {
            settings.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty())
        };
        let email_on = get("smtp.host").is_some() && get("smtp.from").is_some();
        if !email_on {
            return Outbound { webhook: get("webhook.url"), ..Default::default() };
        }
        let copies = get("notify.email_to")
            .unwrap_or_default()
            .split([',', '，', ';', '；', ' '])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        let addresses =
            addresses.into_iter().map(|(id, v)| (id, v.trim().to_string())).filter(|(_, v)| !v.is_empty()).collect();
        Outbound { webhook: get("webhook.url"), addresses, copies }
    }

    /// The channels of a notification to `account`.
    pub fn channels(&self, account: i64) -> Vec<Channel> {
        let mut out: Vec<Channel> = Vec::new();
        if let Some(url) = &self.webhook {
            out.push(Channel { name: "webhook".into(), target: url.clone() });
        }
        for address in self.addresses.get(&account).into_iter().chain(self.copies.iter()) {
            if !out.iter().any(|c| c.name == "email" && c.target.eq_ignore_ascii_case(address)) {
                out.push(Channel { name: "email".into(), target: address.clone() });
            }
        }
        out
    }
}

/// Tells `accounts` of `event` in `tx`, worded by the actor's [`Words`]; leaves out the actor.
/// Returns how many were told.
pub async fn tell(tx: &mut Tx, actor: &Actor, accounts: &[i64], event: &Event) -> StoreResult<usize> {
    let Some(words) = actor.words else { return Ok(0) };
    let to: BTreeSet<i64> = accounts.iter().copied().filter(|a| Some(*a) != actor.account_id).collect();
    if to.is_empty() {
        return Ok(0);
    }
    let by: Option<(Option<String>,)> = match actor.account_id {
        Some(a) => {
            tx.fetch_optional(
                "SELECT p.name FROM accounts a LEFT JOIN people p ON p.id = a.person_id WHERE a.id = $1",
                args![a],
            )
            .await?
        }
        None => None,
    };
    let by = by.and_then(|r| r.0).unwrap_or_else(|| actor.username.clone());
    let m = words.word(&by, event);
    let outbound = Outbound::load_in(tx).await?;
    for account in &to {
        let n = NewNotification {
            account_id: *account,
            kind: event.kind().into(),
            level: LEVEL_INFO.into(),
            title: m.title.clone(),
            body: m.body.clone(),
            link: m.link.clone(),
        };
        insert_notification(tx, &n, None, None, &outbound.channels(*account)).await?;
    }
    Ok(to.len())
}

/// Whether a person with these roles and title heads their unit: `Some(true)` for its
/// 主要负责人, `Some(false)` for a middle-level head (支部书记, 科长), None otherwise.
pub fn heads_unit(roles: &str, title: &str) -> Option<bool> {
    let roles = parse_roles(&roles.replace(',', "、")).unwrap_or_default();
    if roles.contains(&ResponsibilityRole::Principal) {
        Some(true)
    } else if person_level(&roles, title) == Level::Middle {
        Some(false)
    } else {
        None
    }
}

/// The head of a unit: its 主要负责人, or else its middle-level heads.
pub async fn unit_heads(tx: &mut Tx, unit_id: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64, String, String)> = tx
        .fetch_all(
            "SELECT id, roles, title FROM people WHERE unit_id = $1 AND status = 'active' AND voided_at IS NULL AND (roles <> '' OR title <> '') \
             ORDER BY id",
            args![unit_id],
        )
        .await?;
    let classified: Vec<(i64, bool)> =
        rows.into_iter().filter_map(|(id, roles, title)| heads_unit(&roles, &title).map(|p| (id, p))).collect();
    let principals: Vec<i64> = classified.iter().filter(|(_, p)| *p).map(|(id, _)| *id).collect();
    if !principals.is_empty() {
        return Ok(principals);
    }
    Ok(classified.into_iter().map(|(id, _)| id).collect())
}

/// Who answers for work given to a unit and perhaps a person in it (a task's lead, a 督办's
/// addressee): the person when named, or else the unit's heads.
pub async fn person_or_heads(tx: &mut Tx, unit_id: i64, person_id: Option<i64>) -> StoreResult<Vec<i64>> {
    match person_id {
        Some(p) => Ok(vec![p]),
        None => unit_heads(tx, unit_id).await,
    }
}

/// The enabled accounts of people.
pub async fn accounts_of(tx: &mut Tx, people: &[i64]) -> StoreResult<Vec<i64>> {
    let people: BTreeSet<i64> = people.iter().copied().collect();
    if people.is_empty() {
        return Ok(vec![]);
    }
    let marks: Vec<String> = (1..=people.len()).map(|i| format!("${i}")).collect();
    let rows: Vec<(i64,)> = tx
        .fetch_all(
            &format!(
                "SELECT id FROM accounts WHERE disabled = FALSE AND person_id IN ({}) ORDER BY id",
                marks.join(", ")
            ),
            people.iter().map(|p| Arg::from(*p)).collect(),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

#[derive(sqlx::FromRow)]
struct Holder {
    account_id: i64,
    role_key: String,
    person_id: Option<i64>,
    person_unit: Option<i64>,
    person_path: Option<String>,
}

/// The 纪检监察组 for a unit: enabled accounts holding the built-in role `supervisor`, or a
/// custom role with the sign-off permission whose data scope covers the unit.
pub async fn sign_off_accounts(tx: &mut Tx, unit_id: i64) -> StoreResult<Vec<i64>> {
    group_accounts(tx, unit_id, Permission::FindingSignOff).await
}

/// The 纪检监察组 for a unit as one of its steps needs it: enabled accounts holding the built-in
/// role `supervisor`, or a custom role with `permission` whose data scope covers the unit.
pub async fn group_accounts(tx: &mut Tx, unit_id: i64, permission: Permission) -> StoreResult<Vec<i64>> {
    let (unit_path,): (String,) = tx.fetch_one("SELECT path FROM units WHERE id = $1", args![unit_id]).await?;
    let holders: Vec<Holder> = tx
        .fetch_all(
            "SELECT a.id AS account_id, r.role_key, a.person_id, p.unit_id AS person_unit, u.path AS person_path \
             FROM account_roles r JOIN accounts a ON a.id = r.account_id LEFT JOIN people p ON p.id = a.person_id \
             LEFT JOIN units u ON u.id = p.unit_id WHERE a.disabled = FALSE ORDER BY a.id",
            vec![],
        )
        .await?;
    let mut out = Vec::new();
    for h in holders {
        if out.contains(&h.account_id) {
            continue;
        }
        let covers = if h.role_key == "supervisor" {
            true
        } else if builtin_role(&h.role_key).is_some() {
            false
        } else {
            custom_role_covers(tx, &h, unit_id, &unit_path, permission).await?
        };
        if covers {
            out.push(h.account_id);
        }
    }
    Ok(out)
}

/// Whether a custom role of `h` grants `permission` over the unit.
async fn custom_role_covers(
    tx: &mut Tx,
    h: &Holder,
    unit_id: i64,
    unit_path: &str,
    permission: Permission,
) -> StoreResult<bool> {
    let role: Option<(String, String)> = tx
        .fetch_optional("SELECT scope_kind, permissions FROM roles WHERE key = $1", args![h.role_key.clone()])
        .await?;
    let Some((kind, permissions)) = role else { return Ok(false) };
    if !permissions.split(',').any(|k| k == permission.key()) {
        return Ok(false);
    }
    let below = |path: &Option<String>| path.as_deref().is_some_and(|p| unit_path.starts_with(p));
    Ok(match ScopeKind::parse(&kind) {
        Some(ScopeKind::All) => true,
        Some(ScopeKind::Custom) => {
            let hit: Option<(i64,)> = tx
                .fetch_optional(
                    "SELECT unit_id FROM role_units WHERE role_key = $1 AND unit_id = $2",
                    args![h.role_key.clone(), unit_id],
                )
                .await?;
            hit.is_some()
        }
        Some(ScopeKind::OwnUnit) => h.person_unit == Some(unit_id),
        Some(ScopeKind::OwnUnitAndBelow | ScopeKind::OwnUnitAndBelowOrSelf) => below(&h.person_path),
        Some(ScopeKind::InCharge) => {
            let paths: Vec<(String,)> = tx
                .fetch_all(
                    "SELECT u.path FROM in_charge_of c JOIN units u ON u.id = c.unit_id WHERE c.person_id = $1",
                    args![h.person_id],
                )
                .await?;
            paths.iter().any(|(p,)| unit_path.starts_with(p.as_str()))
        }
        Some(ScopeKind::PartyBranch) => {
            let led: Vec<(i64,)> = tx
                .fetch_all(
                    "SELECT branch_id FROM party_branch_committee WHERE person_id = $1 AND to_date IS NULL \
                     AND post IN ('secretary', 'deputy_secretary') AND branch_id = $2",
                    args![h.person_id, unit_id],
                )
                .await?;
            !led.is_empty()
        }
        Some(ScopeKind::SelfOnly) | None => false,
    })
}
