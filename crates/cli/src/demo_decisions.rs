//! Demo 三重一大: ten meetings of the office's 党组会 and 办公会 in the year (the leadership,
//! the 主要负责人 presiding), every one checked as it is saved — one without a quorum (两人
//! 出席), one where the chair spoke first — and the register of large spending and
//! appointments, its entries linked to the topics that decided them but for one payment above
//! the threshold with no collective decision.

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::decisions::register::{EntryKind, RegisterDraft};
use qingfeng_domain::decisions::{
    Body, DecidedBy, MeetingDraft, Member, Recusal, Speech, Topic, TopicCategory, TopicResult, Vote, VotingMethod,
};
use qingfeng_store::decisions::{self as store, register as reg};
use qingfeng_store::{Actor, Db};

/// One demo topic: title, category, amount in 元, views (by member index; the chair is 0).
struct Spec {
    month: u32,
    day: u32,
    body: Body,
    /// indices of the members absent, with the reason
    absent: &'static [(usize, &'static str)],
    topics: &'static [(&'static str, TopicCategory, Option<i64>)],
    /// the chair states a view first instead of last
    chair_first: bool,
    /// a member (index) steps aside on the first topic, and why
    recusal: Option<(usize, &'static str)>,
}

const SPECS: &[Spec] = &[
    Spec {
        month: 1,
        day: 9,
        body: Body::PartyGroup,
        absent: &[],
        topics: &[
            ("审议县委办2026年度党风廉政建设工作要点和责任分解", TopicCategory::Decision, None),
            ("研究机关作风建设专项整治方案", TopicCategory::General, None),
        ],
        chair_first: false,
        recusal: None,
    },
    Spec {
        month: 2,
        day: 13,
        body: Body::Office,
        absent: &[(4, "出差")],
        topics: &[("机关食堂服务外包采购（公开招标）", TopicCategory::Funds, Some(680_000))],
        chair_first: false,
        recusal: None,
    },
    Spec {
        month: 3,
        day: 12,
        body: Body::PartyGroup,
        absent: &[(2, "参加市委培训"), (3, "病假"), (4, "出差")],
        topics: &[("研究信息科、督查室科级干部任免事项", TopicCategory::Personnel, None)],
        chair_first: false,
        recusal: None,
    },
    Spec {
        month: 4,
        day: 16,
        body: Body::Office,
        absent: &[],
        topics: &[("机关办公楼消防设施改造", TopicCategory::Project, Some(560_000))],
        chair_first: true,
        recusal: None,
    },
    Spec {
        month: 5,
        day: 21,
        body: Body::PartyGroup,
        absent: &[(1, "公差")],
        topics: &[
            ("县委办信息化平台建设项目立项", TopicCategory::Project, Some(1_200_000)),
            ("审议机关公务接待管理办法（修订）", TopicCategory::Decision, None),
        ],
        chair_first: false,
        recusal: Some((2, "其配偶任职于投标单位")),
    },
    Spec {
        month: 6,
        day: 18,
        body: Body::Office,
        absent: &[],
        topics: &[("研究上半年督查督办工作情况", TopicCategory::General, None)],
        chair_first: false,
        recusal: None,
    },
    Spec {
        month: 7,
        day: 23,
        body: Body::PartyGroup,
        absent: &[(3, "休假")],
        topics: &[("研究年中党风廉政建设工作推进措施", TopicCategory::Decision, None)],
        chair_first: false,
        recusal: None,
    },
    Spec {
        month: 9,
        day: 10,
        body: Body::Office,
        absent: &[],
        topics: &[
            ("档案数字化加工服务采购", TopicCategory::Funds, Some(520_000)),
            ("研究国庆期间值班安排", TopicCategory::General, None),
        ],
        chair_first: false,
        recusal: None,
    },
    Spec {
        month: 10,
        day: 15,
        body: Body::PartyGroup,
        absent: &[(4, "参加省委党校学习")],
        topics: &[("研究机要科科长、综合科副科长任免事项", TopicCategory::Personnel, None)],
        chair_first: false,
        recusal: None,
    },
    Spec {
        month: 11,
        day: 19,
        body: Body::Office,
        absent: &[],
        topics: &[("研究年终考核工作方案", TopicCategory::General, None)],
        chair_first: false,
        recusal: None,
    },
];

/// (month, day, kind, matter, amount in 元, reference, the title the decision topic starts with)
type Entry = (u32, u32, EntryKind, &'static str, Option<i64>, &'static str, Option<&'static str>);

const VIEWS: &[&str] =
    &["同意，建议严格按程序办理", "同意，注意控制成本", "同意", "同意，建议加强事后监督", "同意，按规定公示"];

fn topic(spec: &Spec, t: usize, members: &[i64]) -> Topic {
    let (title, category, amount) = spec.topics[t];
    let recused: Vec<Recusal> = match (t, spec.recusal) {
        (0, Some((k, why))) => vec![Recusal { person_id: members[k], reason: why.into() }],
        _ => vec![],
    };
    let absent = |k: usize| spec.absent.iter().any(|a| a.0 == k);
    let speaking: Vec<usize> =
        (1..members.len()).filter(|&k| !absent(k) && !recused.iter().any(|r| r.person_id == members[k])).collect();
    let mut order: Vec<usize> = speaking.clone();
    if spec.chair_first {
        order.insert(0, 0)
    } else {
        order.push(0)
    }
    let chair_view = "同意。本人最后表态：按会议意见抓好落实";
    Topic {
        title: title.into(),
        category,
        amount_cents: amount.map(|a| a * 100),
        decided_by: DecidedBy::Meeting,
        voting_method: Some(if category == TopicCategory::Personnel {
            VotingMethod::Secret
        } else {
            VotingMethod::ShowOfHands
        }),
        result: Some(TopicResult::Passed),
        speeches: order
            .iter()
            .map(|&k| Speech {
                person_id: members[k],
                view: if k == 0 { chair_view.into() } else { VIEWS[k % VIEWS.len()].into() },
            })
            .collect(),
        votes: order.iter().map(|&k| (members[k], Vote::Yes)).collect(),
        recusals: recused,
    }
}

/// Records the meetings and the register; answers how many meetings.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let actor = Actor { username: "办公室".into(), ..Actor::system() };
    let today = qingfeng_store::fulfilment::today();
    let y = today.year();
    let root: Option<(i64,)> = db.fetch_optional("SELECT id FROM units WHERE code = 'XWB'", vec![]).await?;
    let Some((unit_id,)) = root else { return Ok(0) };
    let leaders: Vec<(i64,)> = db
        .fetch_all(
            "SELECT id FROM people WHERE unit_id = $1 AND status = 'active' ORDER BY id LIMIT 5",
            qingfeng_store::args![unit_id],
        )
        .await?;
    let members: Vec<i64> = leaders.into_iter().map(|r| r.0).collect();
    let recorder: Option<(i64,)> = db
        .fetch_optional("SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'XWB-MSK' ORDER BY p.id DESC LIMIT 1", vec![])
        .await?;
    if members.len() < 5 {
        return Ok(0);
    }
    let mut topic_ids = Vec::new();
    let mut n = 0;
    for spec in SPECS {
        let Some(held_on) = NaiveDate::from_ymd_opt(y, spec.month, spec.day).filter(|d| *d <= today) else { continue };
        let d = MeetingDraft {
            unit_id,
            body: spec.body,
            held_on,
            place: "县委办三楼会议室".into(),
            chair_id: members[0],
            recorder_id: recorder.map(|r| r.0),
            item_by_item: true,
            members: members
                .iter()
                .enumerate()
                .map(|(k, &person_id)| {
                    let absent = spec.absent.iter().find(|a| a.0 == k);
                    Member {
                        person_id,
                        present: absent.is_none(),
                        absence_reason: absent.map(|a| a.1.to_string()).unwrap_or_default(),
                        written_opinion: if absent.is_some() && spec.topics[0].1.is_major() {
                            "同意".into()
                        } else {
                            String::new()
                        },
                    }
                })
                .collect(),
            topics: (0..spec.topics.len()).map(|t| topic(spec, t, &members)).collect(),
        };
        let id = store::create(db, &actor, &d, qingfeng_store::now()).await?;
        let m = store::get(db, &qingfeng_store::Scope::all(), id).await?;
        topic_ids.extend(m.topics.iter().map(|t| (t.title.clone(), t.id)));
        n += 1;
    }
    let topic = |title: &str| topic_ids.iter().find(|(t, _)| t.starts_with(title)).map(|(_, id)| *id);
    let entries: &[Entry] = &[
        (
            3,
            2,
            EntryKind::Spending,
            "机关食堂服务外包首期服务费",
            Some(680_000),
            "XX餐饮管理有限公司",
            Some("机关食堂服务外包"),
        ),
        (
            3,
            20,
            EntryKind::Appointment,
            "任命信息科科长、督查室副主任",
            None,
            "县委办任〔2026〕3号",
            Some("研究信息科、督查室"),
        ),
        (
            6,
            8,
            EntryKind::Spending,
            "信息化平台建设项目首付款",
            Some(600_000),
            "XX信息技术有限公司",
            Some("县委办信息化平台"),
        ),
        (8, 27, EntryKind::Spending, "办公楼外墙维修改造工程款", Some(720_000), "XX建筑工程有限公司", None),
        (9, 5, EntryKind::Spending, "办公用品集中采购", Some(86_000), "XX文具商行", None),
        (
            10,
            20,
            EntryKind::Appointment,
            "任命机要科科长、综合科副科长",
            None,
            "县委办任〔2026〕9号",
            Some("研究机要科科长"),
        ),
    ];
    for &(m, d, kind, matter, amount, reference, decided) in entries {
        let Some(occurred_on) = NaiveDate::from_ymd_opt(y, m, d).filter(|x| *x <= today) else { continue };
        let draft = RegisterDraft {
            unit_id,
            kind,
            occurred_on,
            matter: matter.into(),
            amount_cents: amount.map(|a| a * 100),
            reference: reference.into(),
            topic_id: decided.and_then(topic),
            note: String::new(),
        };
        reg::create(db, &actor, &draft, qingfeng_store::now()).await?;
    }
    Ok(n)
}
