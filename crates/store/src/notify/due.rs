//! Which reminders are due, and who receives them: the organisation facts of a pass
//! ([`Directory`]) and the reminders of tasks, rectification measures, look-backs and
//! responsibility items.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use qingfeng_domain::dict::{parse_roles, ResponsibilityRole};
use qingfeng_domain::responsibility::{person_level, Level};

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
                 WHERE p.status = 'active' ORDER BY c.person_id",
                vec![],
            )
            .await?;
        for (unit, person) in rows {
            d.in_charge.entry(unit).or_default().push(person);
        }
        let people: Vec<PersonFacts> = db
            .fetch_all(
                "SELECT id, unit_id, roles, title FROM people WHERE status = 'active' AND (roles <> '' OR title <> '') ORDER BY id",
                vec![],
            )
            .await?;
        for p in people {
            let roles = parse_roles(&p.roles.replace(',', "、")).unwrap_or_default();
            if roles.contains(&ResponsibilityRole::Principal) {
                d.principals.entry(p.unit_id).or_default().push(p.id);
            } else if person_level(&roles, &p.title) == Level::Middle {
                d.middles.entry(p.unit_id).or_default().push(p.id);
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
fn add_accounts(dir: &Directory, people: &[i64], out: &mut Vec<i64>) {
    for p in people {
        for a in dir.accounts(*p) {
            if !out.contains(a) {
                out.push(*a);
            }
        }
    }
}

fn add_supervisors(dir: &Directory, out: &mut Vec<i64>) {
    for a in dir.supervisors() {
        if !out.contains(a) {
            out.push(*a);
        }
    }
}

/// At most `n` characters of a text for a title.
fn short(text: &str, n: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= n {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(n).collect::<String>())
    }
}

fn person_part(name: &Option<String>) -> String {
    name.as_ref().map(|n| format!("，责任人：{n}")).unwrap_or_default()
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

/// Builds the reminders of one source object for each recipient.
struct Batch<'a> {
    out: &'a mut Vec<Reminder>,
}

impl Batch<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        source: &str,
        id: i64,
        stage: &str,
        due: NaiveDate,
        recipients: &[i64],
        kind: &str,
        level: &str,
        title: &str,
        body: &str,
        link: &str,
    ) {
        for a in recipients {
            self.out.push(Reminder {
                key: format!("{source}:{id}:{stage}:a{a}"),
                due_date: due,
                notification: NewNotification {
                    account_id: *a,
                    kind: kind.into(),
                    level: level.into(),
                    title: title.into(),
                    body: body.into(),
                    link: link.into(),
                },
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
/// - findings whose 回头看 is due and has no result: the supervisors;
/// - responsibility items of the year that are 临期 (yellow) or 滞后 (red) in the fulfilment
///   snapshot: the item's person, or for a unit-level item the head of the unit.
pub async fn due_reminders(db: &Db, dir: &Directory, today: NaiveDate, lead_days: u32) -> StoreResult<Vec<Reminder>> {
    let mut out = Vec::new();
    let mut b = Batch { out: &mut out };
    let horizon = today + Duration::days(i64::from(lead_days));

    let tasks: Vec<TaskRow> = db
        .fetch_all(
            "SELECT t.id, t.title, t.deadline, t.lead_unit_id, t.lead_person_id, p.name AS person_name \
             FROM tasks t LEFT JOIN people p ON p.id = t.lead_person_id \
             WHERE t.completed_on IS NULL AND t.deadline <= $1 ORDER BY t.deadline, t.id",
            args![horizon],
        )
        .await?;
    for t in tasks {
        let unit = dir.unit_name(t.lead_unit_id).to_string();
        let responsible = match t.lead_person_id {
            Some(p) => vec![p],
            None => dir.head(t.lead_unit_id),
        };
        let mut to = Vec::new();
        add_accounts(dir, &responsible, &mut to);
        add_accounts(dir, &dir.leaders(t.lead_unit_id), &mut to);
        let link = format!("/tasks/{}", t.id);
        let who = format!("牵头单位：{unit}{}", person_part(&t.person_name));
        if t.deadline > today {
            let days = (t.deadline - today).num_days();
            let title = format!("任务临期：{}", short(&t.title, 40));
            let body = format!("任务“{}”将于 {} 到期（还有 {days} 天），{who}。请抓紧推进落实。", t.title, t.deadline);
            b.push("task", t.id, "soon", t.deadline, &to, "task_due_soon", LEVEL_YELLOW, &title, &body, &link);
        } else {
            add_supervisors(dir, &mut to);
            let title = format!("任务逾期：{}", short(&t.title, 40));
            let body = format!("任务“{}”的完成期限是 {}，至今未完成，{who}。", t.title, t.deadline);
            b.push("task", t.id, "overdue", t.deadline, &to, "task_overdue", LEVEL_RED, &title, &body, &link);
        }
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
        let unit = dir.unit_name(m.unit_id).to_string();
        let leaders = match m.responsible_leader_id {
            Some(l) => vec![l],
            None => dir.leaders(m.unit_id),
        };
        let mut to = Vec::new();
        add_accounts(dir, &[m.responsible_person_id], &mut to);
        add_accounts(dir, &leaders, &mut to);
        let link = format!("/findings/{}", m.finding_id);
        let who = format!("整改单位：{unit}{}", person_part(&m.person_name));
        if m.deadline > today {
            let days = (m.deadline - today).num_days();
            let title = format!("整改措施临期：{}", short(&m.text, 40));
            let body =
                format!("整改措施“{}”将于 {} 到期（还有 {days} 天），{who}。请按期完成整改。", m.text, m.deadline);
            b.push(
                "measure",
                m.id,
                "soon",
                m.deadline,
                &to,
                "rectification_due_soon",
                LEVEL_YELLOW,
                &title,
                &body,
                &link,
            );
        } else {
            add_supervisors(dir, &mut to);
            let title = format!("整改措施逾期：{}", short(&m.text, 40));
            let body = format!("整改措施“{}”的完成期限是 {}，至今未完成，{who}。", m.text, m.deadline);
            b.push(
                "measure",
                m.id,
                "overdue",
                m.deadline,
                &to,
                "rectification_overdue",
                LEVEL_RED,
                &title,
                &body,
                &link,
            );
        }
    }

    let look_backs: Vec<LookBackRow> = db
        .fetch_all(
            "SELECT id, unit_id, description, look_back_due FROM findings \
             WHERE look_back_due IS NOT NULL AND look_back_due <= $1 AND look_back_result IS NULL ORDER BY look_back_due, id",
            args![today],
        )
        .await?;
    for f in look_backs {
        let unit = dir.unit_name(f.unit_id).to_string();
        let title = format!("回头看到期：{unit}");
        let body = format!(
            "{unit}问题“{}”的回头看应于 {} 开展，尚未登记回头看结果。",
            short(&f.description, 60),
            f.look_back_due
        );
        let link = format!("/findings/{}", f.id);
        let to = dir.supervisors().to_vec();
        b.push("look_back", f.id, "due", f.look_back_due, &to, "look_back_due", LEVEL_YELLOW, &title, &body, &link);
    }

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
            let owner = match &it.person_name {
                Some(n) => format!("{}{n}", it.unit_name),
                None => it.unit_name.clone(),
            };
            let link = format!("/responsibility/items/{}", it.item_id);
            let (stage, kind, level, title, body) = if it.state == "overdue" {
                (
                    "overdue",
                    "item_overdue",
                    LEVEL_RED,
                    format!("责任事项滞后：{}", short(&it.text, 40)),
                    format!(
                        "{owner}的责任事项“{}”在 {due} 前应完成的次数未完成（已完成 {}/{}），已滞后，请尽快补齐并登记履职台账。",
                        it.text, it.done, it.required
                    ),
                )
            } else {
                (
                    "soon",
                    "item_due_soon",
                    LEVEL_YELLOW,
                    format!("责任事项临期：{}", short(&it.text, 40)),
                    format!(
                        "{owner}的责任事项“{}”将于 {due} 到期（已完成 {}/{}），请按时开展并登记履职台账。",
                        it.text, it.done, it.required
                    ),
                )
            };
            b.push("item", it.item_id, stage, due, &to, kind, level, &title, &body, &link);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_cuts_on_characters() {
        assert_eq!(short("落实全面从严治党主体责任", 4), "落实全面…");
        assert_eq!(short(" 短 ", 4), "短");
    }
}
