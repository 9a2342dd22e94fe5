//! Demo data for the responsibility chain: the current year's lists for the demo 县委办 and a
//! year of duty-ledger entries up to today, so that the dashboard tells a story — most units on
//! track, and 信息科 clearly lagging (its head stops holding division meetings after the first
//! quarter and its cadres miss the later study sessions).

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::ledger::EntryDraft;
use qingfeng_domain::responsibility::{EntryKind, MeetingType};
use qingfeng_store::fulfilment::today;
use qingfeng_store::responsibility::{generate, lists, person_owner_roles, set_pledge};
use qingfeng_store::{args, ledger, Actor, Db, Scope};

/// The department that lags, by unit code.
pub const LAGGING_UNIT: &str = "XWB-XXK";

#[derive(sqlx::FromRow)]
struct P {
    id: i64,
    unit_code: String,
    unit_id: i64,
    roles: String,
    title: String,
    rank: String,
}

struct Demo<'a> {
    db: &'a Db,
    actor: Actor,
    today: NaiveDate,
    entries: usize,
}

impl Demo<'_> {
    async fn entry(
        &mut self,
        kind: EntryKind,
        date: NaiveDate,
        unit_id: i64,
        place: &str,
        content: &str,
        participants: Vec<i64>,
    ) -> anyhow::Result<()> {
        self.save(draft(kind, date, unit_id, place, content, participants)).await
    }

    /// A 会议研究 entry of a meeting type.
    async fn meeting(
        &mut self,
        t: MeetingType,
        date: NaiveDate,
        unit_id: i64,
        place: &str,
        content: &str,
        participants: Vec<i64>,
    ) -> anyhow::Result<()> {
        let d = draft(EntryKind::Meeting, date, unit_id, place, content, participants);
        self.save(EntryDraft { meeting_type: Some(t), ..d }).await
    }

    async fn save(&mut self, d: EntryDraft) -> anyhow::Result<()> {
        if d.date > self.today {
            return Ok(());
        }
        ledger::create(self.db, &self.actor, &d).await?;
        self.entries += 1;
        Ok(())
    }
}

fn draft(
    kind: EntryKind,
    date: NaiveDate,
    unit_id: i64,
    place: &str,
    content: &str,
    participants: Vec<i64>,
) -> EntryDraft {
    EntryDraft {
        kind,
        meeting_type: None,
        date,
        place: place.into(),
        content: content.into(),
        unit_id,
        participants,
        items: vec![],
        tasks: vec![],
        cases: vec![],
        reason: String::new(),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

async fn unit_id(db: &Db, code: &str) -> anyhow::Result<i64> {
    let (id,): (i64,) = db.fetch_one("SELECT id FROM units WHERE code = $1", args![code]).await?;
    Ok(id)
}

/// Generates the lists and the entries; returns the number of entries written.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let today = today();
    let y = today.year();
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    generate(db, &actor, &Scope::all(), i64::from(y)).await?;
    // 责任书 signed at the February deployment meeting, except by the lagging division's people
    for l in lists(db, &Scope::all(), i64::from(y), None, None).await? {
        let lagging: Option<(String,)> = db
            .fetch_optional("SELECT code FROM units WHERE id = $1 AND code = $2", args![l.unit_id, LAGGING_UNIT])
            .await?;
        let signed = date(y, 2, 18);
        if lagging.is_none() && signed <= today {
            set_pledge(db, &actor, &l, Some(signed)).await?;
        }
    }

    let people: Vec<P> = db
        .fetch_all(
            "SELECT p.id, u.code AS unit_code, p.unit_id, p.roles, p.title, p.rank FROM people p JOIN units u ON u.id = p.unit_id \
             WHERE p.status = 'active' ORDER BY p.id",
            vec![],
        )
        .await?;
    let root = unit_id(db, "XWB").await?;
    let group = unit_id(db, "XWB-PZZ").await?;
    let branches = [unit_id(db, "XWB-DZB1").await?, unit_id(db, "XWB-DZB2").await?, unit_id(db, "XWB-LTX").await?];
    let has = |p: &P, role: &str| p.roles.split(',').any(|r| r == role);
    let leaders: Vec<i64> =
        people.iter().filter(|p| has(p, "principal") || has(p, "leadership_member")).map(|p| p.id).collect();
    let principal = people.iter().find(|p| has(p, "principal")).map(|p| p.id);
    let owners = |p: &P| person_owner_roles(&p.roles, &p.title, &p.rank);
    let heads: Vec<&P> = people.iter().filter(|p| owners(p).iter().any(|o| o.key() == "division_head")).collect();
    let cadres: Vec<i64> = people
        .iter()
        .filter(|p| owners(p).iter().any(|o| o.key() == "cadre" || o.key() == "division_head"))
        .filter(|p| p.unit_code != LAGGING_UNIT)
        .map(|p| p.id)
        .collect();
    let laggards: Vec<i64> = people.iter().filter(|p| p.unit_code == LAGGING_UNIT).map(|p| p.id).collect();
    let group_members: Vec<i64> = people.iter().filter(|p| p.unit_id == group).map(|p| p.id).collect();

    let mut d = Demo { db, actor, today, entries: 0 };
    // 领导班子: the annual report, the half-yearly special meetings, 述职述廉
    d.entry(
        EntryKind::Report,
        date(y, 1, 20),
        root,
        "县委办",
        "向县委报告上一年度履行全面从严治党主体责任情况",
        leaders.clone(),
    )
    .await?;
    for (m, topic) in [
        (2, "研究部署全年党风廉政建设工作，签订党风廉政建设责任书"),
        (7, "专题研究上半年党风廉政建设工作，听取各分管领导汇报"),
    ] {
        d.meeting(
            MeetingType::Special,
            date(y, m, 18),
            root,
            "县委办三楼会议室",
            &format!("召开党风廉政建设专题会议：{topic}"),
            leaders.clone(),
        )
        .await?;
    }
    d.entry(EntryKind::Report, date(y, 1, 28), root, "县委办三楼会议室", "班子成员述职述廉", leaders.clone()).await?;
    // 主要负责人 四个亲自 and 班子成员 一岗双责
    if let Some(pr) = principal {
        d.entry(
            EntryKind::Survey,
            date(y, 4, 10),
            root,
            "各科室",
            "主要负责人到督查室、机要科过问重点工作廉政风险防控",
            vec![pr],
        )
        .await?;
        d.entry(
            EntryKind::Inspection,
            date(y, 9, 12),
            root,
            "财务室",
            "主要负责人亲自督办公务接待经费使用专项检查",
            vec![pr],
        )
        .await?;
        d.entry(
            EntryKind::Reminder,
            date(y, 10, 15),
            root,
            "县委办",
            "主要负责人协调推进问题整改，约谈提醒相关责任人",
            vec![pr],
        )
        .await?;
    }
    for (i, l) in leaders.iter().enumerate() {
        let m = 3 + (i as u32 % 3);
        d.entry(EntryKind::Talk, date(y, m, 12), root, "分管科室", "与分管科室负责人开展廉政谈话", vec![*l]).await?;
        d.entry(EntryKind::Survey, date(y, m + 3, 8), root, "分管科室", "到分管科室调研督导党风廉政建设工作", vec![*l])
            .await?;
        d.entry(EntryKind::Report, date(y, 6, 25), root, "县委办", "听取分管科室上半年党风廉政建设情况汇报", vec![*l])
            .await?;
        d.entry(EntryKind::Report, date(y, 11, 20), root, "县委办", "听取分管科室下半年党风廉政建设情况汇报", vec![*l])
            .await?;
    }
    // 内设机构负责人: quarterly division meetings, half-yearly talks; 信息科 stops after Q1
    for h in &heads {
        let quarters: &[u32] = if h.unit_code == LAGGING_UNIT { &[2] } else { &[2, 5, 8, 11] };
        for m in quarters {
            d.meeting(
                MeetingType::Division,
                date(y, *m, 6),
                h.unit_id,
                "科室",
                "科室会议研究部署党风廉政建设工作",
                vec![h.id],
            )
            .await?;
        }
        if h.unit_code != LAGGING_UNIT {
            d.entry(EntryKind::Talk, date(y, 5, 20), h.unit_id, "科室", "与本科室干部谈心谈话", vec![h.id]).await?;
            d.entry(EntryKind::Talk, date(y, 10, 22), h.unit_id, "科室", "与本科室干部谈心谈话", vec![h.id]).await?;
        }
    }
    // 一般干部: office-wide study sessions each quarter and one warning-education session;
    // 信息科 attends only the first
    for (m, topic) in [
        (3, "学习《中国共产党纪律处分条例》"),
        (6, "学习中央八项规定精神及实施细则"),
        (9, "学习违反中央八项规定精神典型案例通报"),
        (11, "学习《党委（党组）落实全面从严治党主体责任规定》"),
    ] {
        // attendance falls off in the second half of the year: pressure does not reach the bottom
        let mut who: Vec<i64> = if m >= 9 { cadres.iter().step_by(3).copied().collect() } else { cadres.clone() };
        if m == 3 {
            who.extend(&laggards);
        }
        d.entry(EntryKind::Study, date(y, m, 15), root, "县委办四楼会议室", &format!("廉政专题学习：{topic}"), who)
            .await?;
    }
    let mut everyone = cadres.clone();
    everyone.extend(&leaders);
    // the June 警示教育 uses the spring's published cases (the library's other cases stay unused)
    let cases = crate::demo_cases::seed(db, &d.actor, today).await?;
    let visit = draft(
        EntryKind::WarningEducation,
        date(y, 6, 28),
        root,
        "县廉政教育基地",
        "组织全体干部到廉政教育基地开展警示教育，通报近期典型案例",
        everyone,
    );
    d.save(EntryDraft { cases: cases.into_iter().take(2).collect(), ..visit }).await?;
    // 党支部: monthly 支委会/党小组会, quarterly 党员大会, the 组织生活会 and the secretary's 党课
    for (n, b) in branches.iter().enumerate() {
        let secretary: Vec<i64> =
            people.iter().filter(|p| has(p, "branch_secretary")).skip(n).take(1).map(|p| p.id).collect();
        for m in 1..=12u32 {
            for (t, day, content) in [
                (MeetingType::BranchCommittee, 24, "召开支委会，研究支部工作"),
                (MeetingType::PartyGroup, 25, "召开党小组会，学习上级精神"),
            ] {
                d.meeting(t, date(y, m, day), *b, "支部活动室", content, secretary.clone()).await?;
            }
            if m % 3 == 0 {
                let content = "召开党员大会，通报支部工作";
                d.meeting(MeetingType::PartyCongress, date(y, m, 26), *b, "支部活动室", content, secretary.clone())
                    .await?;
            }
        }
        d.meeting(
            MeetingType::OrganizationalLife,
            date(y, 1, 30),
            *b,
            "支部活动室",
            "召开组织生活会，开展批评和自我批评",
            secretary.clone(),
        )
        .await?;
        d.entry(EntryKind::PartyLecture, date(y, 7, 1), *b, "支部活动室", "支部书记讲专题党课", secretary.clone())
            .await?;
        d.entry(EntryKind::Talk, date(y, 4, 16), *b, "支部活动室", "支部书记与支部委员、党员谈心谈话", secretary)
            .await?;
    }
    // 派驻纪检监察组: quarterly supervision, half-yearly reminders
    for m in [3u32, 6, 9] {
        d.entry(
            EntryKind::Inspection,
            date(y, m, 20),
            group,
            "县委办",
            "对县委办落实中央八项规定精神情况开展监督检查",
            group_members.clone(),
        )
        .await?;
    }
    for m in [4u32, 10] {
        d.entry(
            EntryKind::Reminder,
            date(y, m, 9),
            group,
            "县委办",
            "对县委办班子成员开展约谈提醒",
            group_members.clone(),
        )
        .await?;
    }
    void_a_twin(&d, group_members[0]).await?;
    void_a_duplicate(&d, group, date(y, 3, 20), group_members).await?;
    seed_plan(db, &d.actor, y, today, root, &heads).await?;
    Ok(d.entries)
}

/// A member of the group entered a second time in 人员管理, then voided (作废): the people
/// list's 已作废 filter shows the twin, whose generated responsibility items count for nobody.
async fn void_a_twin(d: &Demo<'_>, original: i64) -> anyhow::Result<()> {
    let person = qingfeng_store::org::people::get(d.db, &Scope::all(), original).await?;
    let fields = qingfeng_domain::org::PersonFields {
        name: person.name.clone(),
        gender: person.gender.clone(),
        unit_id: Some(person.unit_id),
        title: person.title.clone(),
        rank: person.rank.clone(),
        political_status: person.political_status.clone(),
        roles: vec!["一般干部".into()],
        ..Default::default()
    };
    let draft = fields.validate().map_err(|e| anyhow::anyhow!("demo twin: {e:?}"))?;
    let twin = qingfeng_store::org::people::create(d.db, &d.actor, &draft, None, None).await?;
    let reason = format!("与已登记的{}（{}）重复录入", person.name, person.unit_name);
    qingfeng_store::voiding::void(d.db, &d.actor, qingfeng_domain::voiding::Voidable::Person, twin.id, &reason).await?;
    Ok(())
}

/// The March inspection entered a second time by mistake, then voided (作废) with the reason:
/// the ledger's 已作废 filter shows it, and it counts for nobody.
async fn void_a_duplicate(d: &Demo<'_>, group: i64, day: NaiveDate, members: Vec<i64>) -> anyhow::Result<()> {
    if day > d.today {
        return Ok(());
    }
    let content = "对县委办落实中央八项规定精神情况开展监督检查";
    let twice = draft(EntryKind::Inspection, day, group, "县委办", content, members);
    let id = ledger::create(d.db, &d.actor, &twice).await?;
    let reason = "与同日的监督检查记录重复，误登记两次";
    qingfeng_store::voiding::void(d.db, &d.actor, qingfeng_domain::voiding::Voidable::LedgerEntry, id, reason).await?;
    Ok(())
}

/// The year's 工作要点: three items deployed by the office, broken down to the divisions
/// (一级抓一级), with progress reported; 信息科's task is overdue.
async fn seed_plan(db: &Db, actor: &Actor, y: i32, today: NaiveDate, root: i64, heads: &[&P]) -> anyhow::Result<()> {
    use qingfeng_domain::plans::{PlanDraft, TaskDraft, UpdateFields};
    use qingfeng_store::plans::{add_update, create_plan, create_task};
    let all = Scope::all();
    let plan = create_plan(
        db,
        actor,
        &all,
        &PlanDraft {
            year: i64::from(y), unit_id: root, title: format!("{y}年县委办党风廉政建设工作要点")
        },
    )
    .await?;
    let items = [
        ("压紧压实管党治党政治责任，签订责任书、建立责任清单", date(y, 3, 31), "年度目标责任考核"),
        ("深化中央八项规定精神落实，开展公务接待和公车使用自查", date(y, 9, 30), "机关运行保障"),
        ("加强廉政风险防控，梳理岗位廉政风险点并制定防控措施", date(y, 12, 20), "业务流程优化"),
    ];
    for (n, (title, deadline, business)) in items.iter().enumerate() {
        let parent = create_task(
            db,
            actor,
            &all,
            &TaskDraft {
                plan_id: plan.id,
                parent_id: None,
                title: (*title).into(),
                lead_unit_id: root,
                lead_person_id: None,
                support_unit_ids: vec![],
                deadline: *deadline,
                business_work: (*business).into(),
                sort_order: n as i64,
            },
        )
        .await?;
        let mut all_done = true;
        for (k, h) in heads.iter().enumerate().filter(|(k, _)| k % 3 == n) {
            let sub_deadline = (*deadline).min(date(y, 12, 20)) - chrono::Duration::days(10);
            let sub = create_task(
                db,
                actor,
                &all,
                &TaskDraft {
                    plan_id: plan.id,
                    parent_id: Some(parent.id),
                    title: format!("{}：{}", h.title, title.split('，').next().unwrap_or(title)),
                    lead_unit_id: h.unit_id,
                    lead_person_id: Some(h.id),
                    support_unit_ids: vec![],
                    deadline: sub_deadline,
                    business_work: String::new(),
                    sort_order: k as i64,
                },
            )
            .await?;
            let lagging = h.unit_code == LAGGING_UNIT;
            let progress_day = sub_deadline - chrono::Duration::days(20);
            if progress_day <= today {
                let text = if lagging { "已召开科室会议进行部署" } else { "已完成" };
                let f = UpdateFields {
                    update_date: progress_day.to_string(),
                    text: text.into(),
                    evidence: if lagging { String::new() } else { "科室会议纪要".into() },
                    completes: !lagging,
                    late_reason: String::new(),
                };
                add_update(db, actor, sub.id, &f, today).await?;
            }
            all_done &= !lagging && progress_day <= today;
        }
        if all_done && *deadline <= today {
            let f = UpdateFields {
                update_date: (*deadline).to_string(),
                text: "各科室均已完成".into(),
                evidence: "工作总结".into(),
                completes: true,
                late_reason: String::new(),
            };
            add_update(db, actor, parent.id, &f, today).await?;
        }
    }
    Ok(())
}
