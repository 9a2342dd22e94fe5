//! Demo 信访举报 and 问题线索: a dozen reports (letters, a visit, 12388 calls, a higher level's
//! referral and online filings; two anonymous) in every disposal state — awaiting acceptance,
//! pending, under 谈话函询 (one reply overdue), under 初步核实, 暂存待查, 予以了结, concluded
//! with an answer, and one duplicate merged into the clue about the same matter — and the
//! demo 纪检组 account given the reporter-identity permission as its 组长.

use chrono::{Duration, NaiveDate};
use qingfeng_domain::petitions::{DisposeDraft, Disposition, Identity, PetitionDraft, Source};
use qingfeng_store::accounts::{self, AccountChange};
use qingfeng_store::petitions::{self, Receipt};
use qingfeng_store::reporter_key::ReporterKey;
use qingfeng_store::{clues, roles, Actor, Db};

/// The query password of the demo's online report (printed with its receipt code at start).
pub const DEMO_QUERY_PASSWORD: &str = "Chaxun#2026";

/// What becomes of a demo report.
#[derive(Clone, Copy)]
enum Fate {
    Received,
    Pending,
    Inquiring {
        overdue: bool,
    },
    Checking,
    Shelved,
    Closed,
    Answered,
    /// merged into the clue of the report at this index
    Duplicate(usize),
}

/// (source, days ago, subject's unit code, subject post, text, reporter (None: anonymous), fate)
type Spec = (Source, i64, &'static str, &'static str, &'static str, Option<(&'static str, &'static str)>, Fate);

const REPORTS: &[Spec] = &[
    (
        Source::Letter,
        60,
        "XWB-ZHK",
        "科长",
        "反映其在 2026 年春节前收受管理服务对象购物卡两张，每张面值一千元。",
        Some(("周来信", "县城关镇幸福路 8 号")),
        Fate::Inquiring { overdue: true },
    ),
    (
        Source::Phone,
        20,
        "XWB-XXK",
        "科员",
        "反映其多次在工作日中午饮酒，下午上班时仍有酒气。",
        None,
        Fate::Inquiring { overdue: false },
    ),
    (
        Source::Visit,
        30,
        "XWB-DCS",
        "副主任",
        "反映其违规将公务用车停放在小区，周末用于接送孩子。",
        Some(("吴来访", "13800001111")),
        Fate::Checking,
    ),
    (
        Source::Online,
        28,
        "XWB-DCS",
        "副主任",
        "公务车周末停在小区门口，有人开去接送小孩，希望查一查。",
        Some(("匿名市民", "")),
        Fate::Duplicate(2),
    ),
    (
        Source::Higher,
        45,
        "XWB-ZHK",
        "副科长",
        "县纪委转来：反映其在基层调研中层层加码要求报送材料，增加基层负担。",
        None,
        Fate::Shelved,
    ),
    (
        Source::Letter,
        90,
        "XWB-XXK",
        "科长",
        "反映其亲属经营的公司承接单位信息化项目。",
        Some(("郑来信", "县东关街 12 号")),
        Fate::Closed,
    ),
    (Source::Phone, 75, "XWB-ZHK", "科员", "反映其违规领取加班补贴。", Some(("王来电", "13900002222")), Fate::Answered),
    (
        Source::Online,
        5,
        "XWB-XXK",
        "科员",
        "反映其上班时间长期在办公室炒股、玩游戏。",
        Some(("网上实名", "13700003333")),
        Fate::Received,
    ),
    (Source::Letter, 3, "XWB-DCS", "科员", "反映其操办子女升学宴，宴请管理服务对象十余桌。", None, Fate::Received),
    (
        Source::Visit,
        10,
        "XWB-ZHK",
        "科长",
        "反映其在单位食堂以外违规报销餐费。",
        Some(("冯来访", "13600004444")),
        Fate::Pending,
    ),
    (
        Source::Higher,
        15,
        "XWB-XXK",
        "副科长",
        "市纪委转来：反映其在政府采购中指定供应商。",
        Some(("市纪委信访室", "转办函〔2026〕17号")),
        Fate::Checking,
    ),
    (
        Source::Phone,
        40,
        "XWB-DCS",
        "科员",
        "反映其长期不在岗，由他人代为签到。",
        Some(("陈来电", "13500005555")),
        Fate::Closed,
    ),
];

async fn subject(db: &Db, unit_code: &str, n: usize) -> anyhow::Result<Option<(i64, i64, String, String)>> {
    Ok(db
        .fetch_optional(
            &format!(
                "SELECT p.id, p.unit_id, p.name, u.name FROM people p JOIN units u ON u.id = p.unit_id \
                 WHERE u.code = $1 ORDER BY p.id LIMIT 1 OFFSET {n}"
            ),
            qingfeng_store::args![unit_code],
        )
        .await?)
}

/// Seeds the reports and clues; answers the receipt code of the demo's online report still
/// awaiting acceptance (its query password is [`DEMO_QUERY_PASSWORD`]).
pub async fn seed(db: &Db, key: &ReporterKey, today: NaiveDate) -> anyhow::Result<Option<String>> {
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let mut clue_of: Vec<Option<i64>> = Vec::new();
    let mut receipt_code = None;
    for (i, &(source, ago, unit, post, text, reporter, fate)) in REPORTS.iter().enumerate() {
        let Some((person_id, unit_id, name, unit_name)) = subject(db, unit, i % 3).await? else {
            clue_of.push(None);
            continue;
        };
        let d = PetitionDraft {
            source,
            subject_name: name,
            subject_unit: unit_name,
            subject_post: post.into(),
            person_id: Some(person_id),
            content: text.into(),
            happened: String::new(),
            received_on: today - Duration::days(ago),
            identity: reporter.map(|(n, c)| Identity { name: n.into(), contact: c.into() }),
        };
        let receipt = if source == Source::Online {
            let code = petitions::new_receipt_code();
            let r = Receipt {
                receipt_key: petitions::keyed(db, "receipt", &code),
                password_hash: accounts::hash_password(DEMO_QUERY_PASSWORD),
                address_key: petitions::keyed(db, "address", "demo"),
            };
            if matches!(fate, Fate::Received) {
                receipt_code = Some(code);
            }
            Some(r)
        } else {
            None
        };
        let id = petitions::create(db, &actor, &d, Some(unit_id), Some(key), receipt.as_ref(), Vec::new()).await?;
        if matches!(fate, Fate::Received) {
            clue_of.push(None);
            continue;
        }
        let t = petitions::get(db, &qingfeng_store::Scope::all(), id).await?;
        let clue = petitions::accept(db, &actor, &t, None).await?;
        clue_of.push(Some(clue));
        dispose(db, &actor, clue, fate, today, &clue_of).await?;
    }
    Ok(receipt_code)
}

async fn dispose(
    db: &Db,
    actor: &Actor,
    id: i64,
    fate: Fate,
    today: NaiveDate,
    clue_of: &[Option<i64>],
) -> anyhow::Result<()> {
    let c = clues::get(db, &qingfeng_store::Scope::all(), id, today).await?;
    let step = |disposition, note: &str| DisposeDraft { disposition, due_on: None, note: note.into() };
    match fate {
        Fate::Received | Fate::Pending => {}
        Fate::Inquiring { overdue } => {
            let calendar = qingfeng_store::holidays::calendar(db).await?;
            let from = if overdue { today - Duration::days(30) } else { today };
            let due = calendar.add_working_days(from, 15);
            clues::dispose(db, actor, &c, &step(Disposition::TalkInquiry, "向被反映人发出函询通知书"), Some(due))
                .await?;
        }
        Fate::Checking => {
            let d = step(Disposition::PreliminaryCheck, "成立核实组，调取相关单据");
            clues::dispose(db, actor, &c, &d, Some(today + Duration::days(30))).await?;
        }
        Fate::Shelved => {
            clues::dispose(db, actor, &c, &step(Disposition::Shelve, "反映内容笼统，暂无可查线索，暂存待查"), None)
                .await?;
        }
        Fate::Closed => {
            let d = step(Disposition::Close, "经了解，反映的问题已由相关部门处理完毕，予以了结");
            clues::dispose(db, actor, &c, &d, None).await?;
        }
        Fate::Answered => {
            let due = today - Duration::days(40);
            clues::dispose(db, actor, &c, &step(Disposition::TalkInquiry, "函询"), Some(due)).await?;
            let c = clues::get(db, &qingfeng_store::Scope::all(), id, today).await?;
            let result = "被函询人如实说明情况，已退回多领的补贴，予以谈话提醒";
            clues::conclude(db, actor, &c, result, "经核查，反映的问题属实，已督促整改并作出处理。").await?;
        }
        Fate::Duplicate(of) => {
            if let Some(Some(into)) = clue_of.get(of) {
                let into = clues::get(db, &qingfeng_store::Scope::all(), *into, today).await?;
                clues::merge(db, actor, &c, &into).await?;
            }
        }
    }
    Ok(())
}

/// The demo 纪检组 account as its 组长: a custom role holding the reporter-identity permission.
pub async fn grant_group_head(db: &Db) -> anyhow::Result<()> {
    let actor = Actor { username: "demo".into(), ..Actor::system() };
    let Some(account) = accounts::by_username(db, "jijian").await? else { return Ok(()) };
    roles::save(db, &actor, "group_head", "纪检组长（举报人信息）", "all", &["petition:reporter".into()], &[]).await?;
    let mut held = accounts::roles(db, account.id).await?;
    held.push("group_head".into());
    accounts::update(db, &actor, account.id, &AccountChange { roles: Some(held), ..Default::default() }).await?;
    Ok(())
}
