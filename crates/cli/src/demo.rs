//! Demo and benchmark data.
//!
//! [`seed_demo`] fills an empty database with a believable 县委办: its 内设机构, 党支部 and the
//! 派驻纪检监察组, about eighty people with their 职务, 职级, 政治面貌 and 责任角色, and the
//! 分管 assignments of its leaders. Every row goes through the ordinary store functions, so the
//! audit trail reads as if an administrator had entered them.
//!
//! [`seed_scale`] generates a county, city or province sized organisation for benchmarks and
//! writes it with the batch inserts of `qingfeng_store::org::bulk` (one audit record per batch).
//!
//! Both are deterministic (a seeded RNG) and refuse to touch a database that already has units.

use std::collections::HashSet;

use anyhow::Result;
use chrono::{Datelike, Duration, NaiveDate};
use qingfeng_domain::dict::{
    BranchPost, Gender, PersonStatus, PoliticalStatus, Rank, ResponsibilityRole as Role, UnitKind,
};
use qingfeng_domain::org::{PersonDraft, UnitDraft};
use qingfeng_store::org::{branches, bulk, people, units};
use qingfeng_store::{Actor, Db, Tx};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Size of a generated benchmark organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// one 县委办: about 40 units and 1,000 people
    County,
    /// a 市委办 and 12 counties: about 300 units and 8,000 people
    City,
    /// a 省委办公厅, 14 cities and 100 counties: over 2,000 units and 50,000 people
    Province,
}

/// What a seeding function wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub units: usize,
    pub people: usize,
}

/// Fills an EMPTY database with the demo 县委办. On a database that already has any unit it
/// changes nothing and returns `Ok(None)`.
pub async fn seed_demo(db: &Db) -> Result<Option<DemoSummary>> {
    let plan = county_office_demo();
    write_per_row(db, &plan).await
}

/// Generates a large organisation for benchmarks. On a database that already has any unit it
/// changes nothing and returns `Ok(None)`.
pub async fn seed_scale(db: &Db, scale: Scale) -> Result<Option<DemoSummary>> {
    let plan = scale_plan(scale);
    write_bulk(db, &plan).await
}

// ---------------------------------------------------------------------------------------------
// The plan: units and people decided before anything is written.

/// Dates are generated as of this day, so the data does not depend on when it is seeded.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).expect("valid date")
}

struct PlannedUnit {
    name: String,
    code: String,
    kind: UnitKind,
    /// index of the parent in `Plan::units`; parents come before their children
    parent: Option<usize>,
    sort_order: i64,
    depth: usize,
}

struct PlannedPerson {
    /// `unit_id` is filled in when the units have ids
    draft: PersonDraft,
    unit: usize,
    /// indices of the units this leader is in charge of (分管)
    in_charge: Vec<usize>,
    /// party branches (unit indices) joined, each from a day, oldest first
    branches: Vec<(usize, NaiveDate)>,
    /// the committee post in the last branch
    post: Option<BranchPost>,
}

#[derive(Default)]
struct Plan {
    units: Vec<PlannedUnit>,
    people: Vec<PlannedPerson>,
}

impl Plan {
    fn unit(&mut self, name: &str, code: &str, kind: UnitKind, parent: Option<usize>) -> usize {
        let depth = parent.map_or(0, |p| self.units[p].depth + 1);
        let siblings = self.units.iter().filter(|u| u.parent == parent).count();
        self.units.push(PlannedUnit {
            name: name.to_string(),
            code: code.to_string(),
            kind,
            parent,
            sort_order: (siblings as i64 + 1) * 10,
            depth,
        });
        self.units.len() - 1
    }

    fn person(&mut self, draft: PersonDraft, unit: usize) -> usize {
        self.people.push(PlannedPerson { draft, unit, in_charge: vec![], branches: vec![], post: None });
        self.people.len() - 1
    }

    fn summary(&self) -> DemoSummary {
        DemoSummary { units: self.units.len(), people: self.people.len() }
    }
}

// ---------------------------------------------------------------------------------------------
// Writing a plan.

fn demo_actor() -> Actor {
    Actor { username: "demo".into(), ..Actor::system() }
}

async fn has_units(tx: &mut Tx) -> Result<bool> {
    let (n,): (i64,) = tx.fetch_one("SELECT COUNT(*) FROM units", vec![]).await?;
    Ok(n > 0)
}

/// Writes through the ordinary per-row store functions (one audit record per row).
async fn write_per_row(db: &Db, plan: &Plan) -> Result<Option<DemoSummary>> {
    let mut tx = db.begin().await?;
    if has_units(&mut tx).await? {
        return Ok(None);
    }
    let actor = demo_actor();
    let mut ids: Vec<i64> = Vec::with_capacity(plan.units.len());
    for u in &plan.units {
        let draft = UnitDraft {
            name: u.name.clone(),
            code: u.code.clone(),
            kind: u.kind,
            parent_id: u.parent.map(|p| ids[p]),
            sort_order: u.sort_order,
        };
        ids.push(units::insert(&mut tx, &actor, &draft).await?);
    }
    for p in &plan.people {
        let mut draft = p.draft.clone();
        draft.unit_id = ids[p.unit];
        let in_charge: Vec<i64> = p.in_charge.iter().map(|&u| ids[u]).collect();
        let in_charge = (!in_charge.is_empty()).then_some(in_charge.as_slice());
        let id = people::insert(&mut tx, &actor, &draft, in_charge).await?;
        for &(b, from) in &p.branches {
            branches::set_branch(&mut tx, &actor, id, Some(ids[b]), from, "").await?;
        }
        if let (Some(post), Some(&(b, from))) = (p.post, p.branches.last()) {
            branches::set_post(&mut tx, &actor, ids[b], id, Some(post), from).await?;
        }
    }
    tx.commit().await?;
    Ok(Some(plan.summary()))
}

/// Writes with the batch inserts: units level by level, then all people, then 分管.
async fn write_bulk(db: &Db, plan: &Plan) -> Result<Option<DemoSummary>> {
    let mut tx = db.begin().await?;
    if has_units(&mut tx).await? {
        return Ok(None);
    }
    let actor = demo_actor();
    let mut ids: Vec<i64> = vec![0; plan.units.len()];
    let max_depth = plan.units.iter().map(|u| u.depth).max().unwrap_or(0);
    for depth in 0..=max_depth {
        let level: Vec<usize> = (0..plan.units.len()).filter(|&i| plan.units[i].depth == depth).collect();
        let drafts: Vec<UnitDraft> = level
            .iter()
            .map(|&i| {
                let u = &plan.units[i];
                UnitDraft {
                    name: u.name.clone(),
                    code: u.code.clone(),
                    kind: u.kind,
                    parent_id: u.parent.map(|p| ids[p]),
                    sort_order: u.sort_order,
                }
            })
            .collect();
        let new_ids = bulk::insert_units(&mut tx, &actor, &drafts).await?;
        for (&i, id) in level.iter().zip(new_ids) {
            ids[i] = id;
        }
    }
    let drafts: Vec<PersonDraft> =
        plan.people.iter().map(|p| PersonDraft { unit_id: ids[p.unit], ..p.draft.clone() }).collect();
    let person_ids = bulk::insert_people(&mut tx, &actor, &drafts).await?;
    let ids = &ids;
    let pairs: Vec<(i64, i64)> = plan
        .people
        .iter()
        .zip(&person_ids)
        .flat_map(|(p, &pid)| p.in_charge.iter().map(move |&u| (pid, ids[u])))
        .collect();
    bulk::insert_in_charge(&mut tx, &actor, &pairs).await?;
    tx.commit().await?;
    Ok(Some(plan.summary()))
}

// ---------------------------------------------------------------------------------------------
// People: names, ages, party membership.

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛",
    "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "武", "戴",
    "孔",
];

const MALE_CHARS: &[&str] = &[
    "伟", "刚", "勇", "毅", "俊", "峰", "强", "军", "平", "东", "文", "辉", "力", "明", "永", "健", "志", "兴", "良",
    "海", "山", "波", "宁", "福", "生", "龙", "国", "胜", "学", "祥", "才", "武", "新", "利", "清", "飞", "彬", "涛",
    "昌", "成", "康", "光", "天", "达", "安", "岩", "中", "茂", "进", "林", "坚", "和", "博", "诚", "振", "思", "群",
    "承", "乐", "松", "庆", "磊", "民", "友", "河", "哲", "江", "超", "浩", "亮", "政", "宏", "鸣", "斌", "栋", "维",
    "启", "克", "翔", "旭", "鹏", "泽", "晨", "建", "家", "树", "德", "盛", "雄", "钧", "冠", "腾", "航", "卫", "华",
    "红",
];

const FEMALE_CHARS: &[&str] = &[
    "秀", "娟", "英", "华", "慧", "美", "娜", "静", "淑", "惠", "雅", "芝", "玉", "萍", "红", "玲", "芬", "芳", "燕",
    "彩", "春", "兰", "凤", "洁", "梅", "琳", "素", "云", "莲", "雪", "荣", "霞", "香", "月", "媛", "艳", "瑞", "佳",
    "嘉", "琼", "珍", "莉", "桂", "晶", "妍", "秋", "珊", "青", "倩", "婷", "婉", "颖", "露", "瑶", "怡", "丹", "蓉",
    "君", "琴", "蕊", "薇", "梦", "岚", "馨", "韵", "悦", "冰", "爽", "欣", "晓", "欢", "芸", "菲", "宁", "敏", "丽",
    "亚", "文", "晴", "雯",
];

/// The 职务 a generated person holds; decides rank, roles, age and party membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Post {
    Principal,
    ExecutiveDeputy,
    Deputy,
    Head,
    DeputyHead,
    Clerk,
    Driver,
    Worker,
    Cashier,
    GroupLeader,
    GroupDeputy,
    GroupMember,
    Retiree,
}

/// Where an office sits, for the titles of its leaders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Province,
    City,
    County,
}

struct People {
    rng: StdRng,
    /// names already given, when names must be unique
    used: Option<HashSet<String>>,
    /// people drafted so far: the first [`WITH_ID_NUMBER`] get a 身份证号
    drafted: u32,
}

/// How many demo people carry a 身份证号 (the rest show that it is optional).
const WITH_ID_NUMBER: u32 = 40;

impl People {
    fn new(seed: u64, unique_names: bool) -> Self {
        People { rng: StdRng::seed_from_u64(seed), used: unique_names.then(HashSet::new), drafted: 0 }
    }

    /// A valid 身份证号 for the next drafted person, without drawing from the random sequence
    /// (the rest of the demo stays as it was): a county code, the birth date, a sequence number
    /// odd for men and even for women (unique among the first people), the check character.
    fn id_number(&mut self, birth: NaiveDate, gender: Gender) -> Option<String> {
        let n = self.drafted;
        self.drafted += 1;
        (n < WITH_ID_NUMBER).then(|| {
            let seq = n * 2 + u32::from(gender == Gender::Male);
            let first17 = format!("330102{}{seq:03}", birth.format("%Y%m%d"));
            let check = qingfeng_domain::id_number::check_char(&first17).expect("17 digits");
            format!("{first17}{check}")
        })
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    fn name(&mut self, gender: Gender) -> String {
        loop {
            // common surnames first: squaring a uniform draw favours the head of the list
            let r: f64 = self.rng.gen();
            let surname = SURNAMES[((r * r) * SURNAMES.len() as f64) as usize];
            let chars = match gender {
                Gender::Male => MALE_CHARS,
                Gender::Female => FEMALE_CHARS,
            };
            let mut name = surname.to_string();
            name.push_str(chars[self.rng.gen_range(0..chars.len())]);
            if self.rng.gen_bool(0.7) {
                name.push_str(chars[self.rng.gen_range(0..chars.len())]);
            }
            let fresh = match &mut self.used {
                Some(used) => used.insert(name.clone()),
                None => true,
            };
            if fresh {
                return name;
            }
        }
    }

    fn date_in_years(&mut self, from_year: i32, to_year: i32) -> NaiveDate {
        let year = self.rng.gen_range(from_year..=to_year);
        let month = self.rng.gen_range(1..=12);
        let day = self.rng.gen_range(1..=28);
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
    }

    /// A party join date between the ages of 20 and 30, or None if that is still to come.
    fn join_date(&mut self, birth: NaiveDate) -> Option<NaiveDate> {
        let age_days = self.rng.gen_range(20 * 365..30 * 365);
        let d = birth + Duration::days(age_days);
        (d <= as_of()).then_some(d)
    }

    /// 政治面貌 and 入党时间: `party_share` of them are members (a few still probationary).
    fn politics(&mut self, birth: NaiveDate, party_share: f64) -> (PoliticalStatus, Option<NaiveDate>) {
        let young = as_of().year() - birth.year() < 28;
        if self.chance(party_share) {
            if young && self.chance(0.15) {
                let d = as_of() - Duration::days(self.rng.gen_range(30..330));
                return (PoliticalStatus::Probationary, Some(d));
            }
            if let Some(d) = self.join_date(birth) {
                return (PoliticalStatus::PartyMember, Some(d));
            }
        }
        let status = if young {
            PoliticalStatus::League
        } else if self.chance(0.1) {
            PoliticalStatus::Democratic
        } else {
            PoliticalStatus::Masses
        };
        (status, None)
    }

    /// A person holding `post` in the unit named `unit_name` of an office at `level`.
    fn draft(&mut self, post: Post, level: Level, unit_name: &str) -> PersonDraft {
        use Post::*;
        let male_share = match post {
            Principal | ExecutiveDeputy | GroupLeader => 0.85,
            Deputy | Head => 0.65,
            Driver => 1.0,
            _ => 0.5,
        };
        let gender = if self.chance(male_share) { Gender::Male } else { Gender::Female };
        let (from, to) = match post {
            Principal => (1970, 1976),
            ExecutiveDeputy | Deputy => (1970, 1984),
            Head | GroupLeader => (1972, 1988),
            DeputyHead | GroupDeputy => (1980, 1992),
            Clerk | GroupMember => (1985, 2001),
            Driver => (1968, 1990),
            Worker | Cashier => (1966, 1995),
            Retiree => (1952, 1964),
        };
        let birth = self.date_in_years(from, to);
        let party_share = match post {
            Principal | ExecutiveDeputy | Deputy | Head | DeputyHead | GroupLeader | GroupDeputy | GroupMember => 1.0,
            Clerk => 0.85,
            Retiree => 0.9,
            Cashier => 0.6,
            Driver => 0.3,
            Worker => 0.2,
        };
        let (mut political_status, mut party_join_date) = self.politics(birth, party_share);
        if party_share >= 1.0 && party_join_date.is_none() {
            // leaders and group members are members however young they are
            political_status = PoliticalStatus::PartyMember;
            party_join_date = Some(as_of() - Duration::days(self.rng.gen_range(400..1500)));
        }
        let deputy_of = |unit: &str| -> String {
            if let Some(stem) = unit.strip_suffix('科') {
                format!("{stem}科副科长")
            } else if let Some(stem) = unit.strip_suffix('处') {
                format!("{stem}处副处长")
            } else {
                format!("{unit}副主任")
            }
        };
        let head_of = |unit: &str| -> String {
            if unit.ends_with('科') {
                format!("{unit}科长")
            } else if unit.ends_with('处') {
                format!("{unit}处长")
            } else {
                format!("{unit}主任")
            }
        };
        let (title, rank, roles) = match post {
            Principal => (
                match level {
                    Level::County => "县委常委、办公室主任".to_string(),
                    Level::City => "市委常委、秘书长、办公室主任".to_string(),
                    Level::Province => "省委副秘书长、办公厅主任".to_string(),
                },
                Rank::County,
                vec![Role::Principal],
            ),
            ExecutiveDeputy => (
                match level {
                    Level::Province => "办公厅常务副主任".to_string(),
                    _ => "办公室常务副主任".to_string(),
                },
                Rank::County,
                vec![Role::LeadershipMember],
            ),
            Deputy => (
                match level {
                    Level::Province => "办公厅副主任".to_string(),
                    _ => "办公室副主任".to_string(),
                },
                Rank::County,
                vec![Role::LeadershipMember],
            ),
            Head => (head_of(unit_name), Rank::Township, vec![Role::Cadre]),
            DeputyHead => (deputy_of(unit_name), Rank::Township, vec![Role::Cadre]),
            Clerk => {
                let senior = birth.year() <= 1992 && self.chance(0.5);
                if senior {
                    let t = if self.chance(0.5) { "四级主任科员" } else { "三级主任科员" };
                    (t.to_string(), Rank::Township, vec![Role::Cadre])
                } else {
                    let t = ["一级科员", "二级科员", "科员"][self.rng.gen_range(0..3)];
                    (t.to_string(), Rank::BelowSection, vec![Role::Cadre])
                }
            }
            Driver => ("驾驶员".to_string(), Rank::Staff, vec![Role::Staff]),
            Worker => ("工勤人员".to_string(), Rank::Staff, vec![Role::Staff]),
            Cashier => ("出纳".to_string(), Rank::Staff, vec![Role::Staff]),
            GroupLeader => ("组长".to_string(), Rank::Township, vec![Role::Cadre]),
            GroupDeputy => ("副组长".to_string(), Rank::Township, vec![Role::Cadre]),
            GroupMember => ("纪检监察干部".to_string(), Rank::BelowSection, vec![Role::Cadre]),
            Retiree => {
                let t = if self.chance(0.4) { "退休干部（原科长）" } else { "退休干部" };
                let rank = if t.contains("科长") { Rank::Township } else { Rank::BelowSection };
                (t.to_string(), rank, vec![])
            }
        };
        let rank_name = demo_rank_name(&title, rank, post == Retiree);
        PersonDraft {
            name: self.name(gender),
            gender,
            unit_id: 0,
            title,
            rank,
            rank_name,
            political_status,
            roles,
            status: if post == Retiree { PersonStatus::Retired } else { PersonStatus::Active },
            birth_date: Some(birth),
            party_join_date,
            id_number: self.id_number(birth, gender),
            // 驾驶员 and 工勤人员 exercise no public power; the 出纳 handles money and does
            exercises_public_power: !matches!(post, Driver | Worker | Retiree),
            supervision_override: None,
            supervision_override_reason: String::new(),
        }
    }
}

/// Gives a person a branch role (on top of their other roles) and makes sure they are a member.
fn add_branch_role(p: &mut PersonDraft, role: Role) {
    if !p.roles.contains(&role) {
        p.roles.push(role);
        p.roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
    }
    if !p.political_status.is_party_member() {
        p.political_status = PoliticalStatus::PartyMember;
        let join = p
            .birth_date
            .map(|b| b + Duration::days(23 * 365))
            .filter(|d| *d <= as_of())
            .unwrap_or(as_of() - Duration::days(800));
        p.party_join_date = Some(join);
    }
}

// ---------------------------------------------------------------------------------------------
// The demo 县委办.

/// (code suffix, name, deputy heads, clerks, drivers, workers, cashiers)
const DEMO_DEPARTMENTS: &[(&str, &str, usize, usize, usize, usize, usize)] = &[
    ("MSK", "秘书科", 1, 5, 0, 0, 0),
    ("ZHK", "综合科", 1, 3, 4, 2, 0),
    ("XXK", "信息科", 1, 3, 0, 0, 0),
    ("DCS", "督查室", 1, 4, 0, 0, 0),
    ("JYK", "机要科", 0, 3, 0, 0, 0),
    ("BMB", "保密办", 0, 2, 0, 0, 0),
    ("ZYS", "政研室", 1, 3, 0, 0, 0),
    ("FGS", "法规室", 0, 2, 0, 0, 0),
    ("DAK", "档案科", 0, 2, 0, 1, 0),
    ("JDB", "接待办", 1, 2, 0, 1, 0),
    ("CWS", "财务室", 0, 2, 0, 0, 1),
    ("RSK", "人事科", 1, 2, 0, 0, 0),
];

/// 分管: which leader (0 the principal, 1 the executive deputy, 2.. the deputies) is in charge
/// of which departments (code suffixes). Covers every department.
const DEMO_IN_CHARGE: &[&[&str]] =
    &[&["RSK", "CWS"], &["MSK", "ZHK", "DCS"], &["XXK", "JYK", "BMB"], &["ZYS", "FGS"], &["DAK", "JDB"]];

fn county_office_demo() -> Plan {
    let mut plan = Plan::default();
    let mut gen = People::new(20_240_701, true);
    let level = Level::County;

    let root = plan.unit("中共XX县委办公室", "XWB", UnitKind::Organ, None);
    let mut depts = Vec::new();
    for (code, name, ..) in DEMO_DEPARTMENTS {
        let id = plan.unit(name, &format!("XWB-{code}"), UnitKind::Department, Some(root));
        depts.push(id);
    }
    let branch1 = plan.unit("机关第一党支部", "XWB-DZB1", UnitKind::Branch, Some(root));
    let branch2 = plan.unit("机关第二党支部", "XWB-DZB2", UnitKind::Branch, Some(root));
    let retired_branch = plan.unit("离退休干部党支部", "XWB-LTX", UnitKind::Branch, Some(root));
    let group = plan.unit("县纪委监委派驻第一纪检监察组", "XWB-PZZ", UnitKind::Dispatched, Some(root));

    // the leadership: principal, executive deputy, three deputies
    let dept_index = |code: &str| DEMO_DEPARTMENTS.iter().position(|d| d.0 == code).expect("known department");
    for (i, charge) in DEMO_IN_CHARGE.iter().enumerate() {
        let post = match i {
            0 => Post::Principal,
            1 => Post::ExecutiveDeputy,
            _ => Post::Deputy,
        };
        let draft = gen.draft(post, level, "");
        let p = plan.person(draft, root);
        plan.people[p].in_charge = charge.iter().map(|c| depts[dept_index(c)]).collect();
    }

    // the departments, each with its head, deputies, clerks and staff
    let mut heads = Vec::new();
    let mut first_clerk = Vec::new();
    for (k, &(_, name, deputies, clerks, drivers, workers, cashiers)) in DEMO_DEPARTMENTS.iter().enumerate() {
        let unit = depts[k];
        heads.push(plan.person(gen.draft(Post::Head, level, name), unit));
        for _ in 0..deputies {
            plan.person(gen.draft(Post::DeputyHead, level, name), unit);
        }
        first_clerk.push(plan.people.len());
        for _ in 0..clerks {
            plan.person(gen.draft(Post::Clerk, level, name), unit);
        }
        for _ in 0..drivers {
            plan.person(gen.draft(Post::Driver, level, name), unit);
        }
        for _ in 0..workers {
            plan.person(gen.draft(Post::Worker, level, name), unit);
        }
        for _ in 0..cashiers {
            plan.person(gen.draft(Post::Cashier, level, name), unit);
        }
    }

    // two people who have left: one transferred out of 秘书科, one out of 政研室
    for code in ["MSK", "ZYS"] {
        let k = dept_index(code);
        let mut d = gen.draft(Post::Clerk, level, DEMO_DEPARTMENTS[k].1);
        d.status = PersonStatus::Transferred;
        plan.person(d, depts[k]);
    }

    // the 派驻纪检监察组: leader, deputy, two members
    for post in [Post::GroupLeader, Post::GroupDeputy, Post::GroupMember, Post::GroupMember] {
        let d = gen.draft(post, level, "");
        plan.person(d, group);
    }

    // retired cadres in their branch
    let mut retirees = Vec::new();
    for _ in 0..4 {
        retirees.push(plan.person(gen.draft(Post::Retiree, level, ""), retired_branch));
    }

    // branch committees: secretaries and members drawn from the department heads and clerks
    let h = |code: &str| heads[dept_index(code)];
    let c = |code: &str| first_clerk[dept_index(code)];
    let officers = [
        // 机关第一党支部
        (h("MSK"), Role::BranchSecretary, branch1),
        (h("ZHK"), Role::BranchCommittee, branch1),
        (h("XXK"), Role::BranchCommittee, branch1),
        (c("JYK"), Role::DisciplineMember, branch1),
        // 机关第二党支部
        (h("DCS"), Role::BranchSecretary, branch2),
        (h("ZYS"), Role::BranchCommittee, branch2),
        (h("FGS"), Role::BranchCommittee, branch2),
        (c("CWS"), Role::DisciplineMember, branch2),
        // 离退休干部党支部
        (h("RSK"), Role::BranchSecretary, retired_branch),
        (retirees[0], Role::BranchCommittee, retired_branch),
    ];
    for (p, role, _) in officers {
        add_branch_role(&mut plan.people[p].draft, role);
    }
    let branches = DemoBranches { first: branch1, second: branch2, retired: retired_branch, root, group };
    branches.seat(&mut plan, &depts, &officers);
    plan
}

/// Which demo branch a department's party members join: 机关第一党支部 gathers 秘书科, 综合科,
/// 信息科, 机要科, 保密办 and 档案科, 机关第二党支部 the others; members of a branch sit in
/// several divisions, and its secretary sits in 秘书科.
const FIRST_BRANCH_DEPARTMENTS: &[&str] = &["MSK", "ZHK", "XXK", "JYK", "BMB", "DAK"];

struct DemoBranches {
    first: usize,
    second: usize,
    retired: usize,
    root: usize,
    group: usize,
}

impl DemoBranches {
    /// Every active party member joins a branch on 2024-01-01 (the leadership: the principal and
    /// two deputies the first, the others the second; retirees theirs; the 派驻纪检监察组 none);
    /// the officers take their posts in their branch (支部书记 → 书记, the first 支部委员 of 机关第一党支部 →
    /// 副书记, the others → 委员); one 接待办 member moved to the first branch on 2025-07-01.
    fn seat(&self, plan: &mut Plan, depts: &[usize], officers: &[(usize, Role, usize)]) {
        let since = NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date");
        let mut leaders = 0;
        let mut moved = false;
        for i in 0..plan.people.len() {
            let p = &plan.people[i];
            if !p.draft.political_status.is_party_member()
                || p.draft.status != PersonStatus::Active
                || p.unit == self.group
            {
                continue;
            }
            let branch = if p.unit == self.root {
                leaders += 1;
                if leaders <= 3 {
                    self.first
                } else {
                    self.second
                }
            } else if p.unit == self.retired {
                self.retired
            } else {
                let k = depts.iter().position(|d| *d == p.unit).expect("a department");
                if FIRST_BRANCH_DEPARTMENTS.contains(&DEMO_DEPARTMENTS[k].0) {
                    self.first
                } else {
                    self.second
                }
            };
            let mut seats = vec![(branch, since)];
            if !moved && DEMO_DEPARTMENTS.iter().position(|d| d.0 == "JDB").is_some_and(|k| depts[k] == p.unit) {
                moved = true;
                seats =
                    vec![(self.second, since), (self.first, NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid date"))];
            }
            plan.people[i].branches = seats;
        }
        let mut deputy_given = false;
        for &(p, role, branch) in officers {
            // an officer serves the branch they are a member of (the 人事科 head the retirees')
            if plan.people[p].branches.last().map(|x| x.0) != Some(branch) {
                plan.people[p].branches = vec![(branch, since)];
            }
            let post = match role {
                Role::BranchSecretary => BranchPost::Secretary,
                Role::BranchCommittee if !deputy_given && branch == self.first => {
                    deputy_given = true;
                    BranchPost::DeputySecretary
                }
                _ => BranchPost::Member,
            };
            plan.people[p].post = Some(post);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Benchmark organisations.

const PLACE_FIRST: &[&str] = &[
    "东", "西", "南", "北", "清", "青", "临", "安", "平", "永", "长", "兴", "宁", "新", "龙", "云", "金", "石", "白",
    "高", "德", "富", "嘉", "泰", "华", "丰", "阳", "仁", "怀", "双", "宝", "武",
];
const PLACE_SECOND: &[&str] = &[
    "川", "山", "江", "河", "源", "阳", "平", "安", "宁", "城", "乡", "丰", "林", "湖", "溪", "田", "水", "陵", "州",
    "泉", "原", "口", "岭", "桥", "台", "昌", "化", "远", "和", "康", "定", "庆",
];
const CITY_NAMES: &[&str] = &[
    "江城", "临川", "青州", "云阳", "安平", "永宁", "东华", "南岭", "石泉", "金台", "白河", "长乐", "丰源", "嘉禾",
    "龙岗", "清远", "德阳", "泰和",
];
const DEPT_STEMS: &[&str] = &[
    "秘书",
    "综合",
    "信息",
    "督查",
    "机要",
    "保密",
    "政研",
    "法规",
    "档案",
    "接待",
    "财务",
    "人事",
    "文电",
    "会务",
    "调研",
    "值班",
    "电子政务",
    "机关事务",
    "老干部",
    "网信",
    "改革",
    "联络",
    "党建",
    "后勤",
    "督办",
    "应急",
    "统战联络",
    "信访",
    "史志",
    "外事",
    "研究",
];
const CHINESE_NUMBERS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The shape of one office (省委办公厅, 市委办 or 县委办) in a generated organisation.
struct OfficeShape {
    departments: usize,
    /// 机关党支部 (plus one 离退休干部党支部)
    branches: usize,
    /// 班子成员 besides the principal
    deputies: usize,
}

const RETIREES_PER_OFFICE: usize = 3;
const GROUP_SIZE: usize = 4;

struct ScalePlanner {
    plan: Plan,
    gen: People,
    /// department units, with the office level and the name, to fill with people afterwards
    departments: Vec<(usize, Level, String)>,
}

impl ScalePlanner {
    /// Adds an office under `parent` with its departments, branches, 派驻组, leaders, group
    /// and retirees (department staff is added later, when the total is known).
    fn office(&mut self, parent: Option<usize>, level: Level, place: &str, code: &str, shape: &OfficeShape) -> usize {
        let name = match level {
            Level::Province => format!("中共{place}省委办公厅"),
            Level::City => format!("中共{place}市委办公室"),
            Level::County => format!("中共{place}县委办公室"),
        };
        let root = self.plan.unit(&name, code, UnitKind::Organ, parent);
        let suffix = if level == Level::Province { "处" } else { "科" };
        let mut depts = Vec::with_capacity(shape.departments);
        for k in 0..shape.departments {
            let stem = DEPT_STEMS[k % DEPT_STEMS.len()];
            let round = k / DEPT_STEMS.len();
            let dept_name = if round == 0 {
                format!("{stem}{suffix}")
            } else {
                format!("{stem}{}{suffix}", CHINESE_NUMBERS[round % 10])
            };
            let u = self.plan.unit(&dept_name, &format!("{code}-D{:02}", k + 1), UnitKind::Department, Some(root));
            self.departments.push((u, level, dept_name));
            depts.push(u);
        }
        for b in 0..shape.branches {
            let n = CHINESE_NUMBERS[b % 10];
            self.plan.unit(&format!("机关第{n}党支部"), &format!("{code}-B{}", b + 1), UnitKind::Branch, Some(root));
        }
        let retired_branch = self.plan.unit("离退休干部党支部", &format!("{code}-LTX"), UnitKind::Branch, Some(root));
        let group_name = match level {
            Level::Province => "省纪委监委驻省委办公厅纪检监察组".to_string(),
            Level::City => format!("{place}市纪委监委派驻第一纪检监察组"),
            Level::County => format!("{place}县纪委监委派驻第一纪检监察组"),
        };
        let group = self.plan.unit(&group_name, &format!("{code}-PZZ"), UnitKind::Dispatched, Some(root));

        // leaders share the departments out between them, round robin
        let leaders = 1 + shape.deputies;
        for i in 0..leaders {
            let post = match i {
                0 => Post::Principal,
                1 => Post::ExecutiveDeputy,
                _ => Post::Deputy,
            };
            let d = self.gen.draft(post, level, "");
            let p = self.plan.person(d, root);
            self.plan.people[p].in_charge =
                depts.iter().enumerate().filter(|(k, _)| k % leaders == i).map(|(_, &u)| u).collect();
        }
        for post in [Post::GroupLeader, Post::GroupDeputy]
            .into_iter()
            .chain(std::iter::repeat(Post::GroupMember))
            .take(GROUP_SIZE)
        {
            let d = self.gen.draft(post, level, "");
            self.plan.person(d, group);
        }
        for _ in 0..RETIREES_PER_OFFICE {
            let d = self.gen.draft(Post::Retiree, level, "");
            self.plan.person(d, retired_branch);
        }
        root
    }

    /// Staffs every department so that the plan holds at least `total` people.
    fn staff_departments(&mut self, total: usize) {
        let depts = std::mem::take(&mut self.departments);
        if depts.is_empty() {
            return;
        }
        let rest = total.saturating_sub(self.plan.people.len());
        let per_dept = rest.div_ceil(depts.len()).max(3);
        for (unit, level, name) in &depts {
            let d = self.gen.draft(Post::Head, *level, name);
            let head = self.plan.person(d, *unit);
            let d = self.gen.draft(Post::DeputyHead, *level, name);
            self.plan.person(d, *unit);
            for k in 2..per_dept {
                let post = match k % 15 {
                    7 => Post::Driver,
                    11 => Post::Worker,
                    _ => Post::Clerk,
                };
                let mut d = self.gen.draft(post, *level, name);
                if k % 40 == 13 {
                    d.status = PersonStatus::Transferred;
                }
                self.plan.person(d, *unit);
            }
            if self.gen.chance(0.3) {
                add_branch_role(&mut self.plan.people[head].draft, Role::BranchCommittee);
            }
        }
    }
}

fn scale_plan(scale: Scale) -> Plan {
    let mut s = ScalePlanner { plan: Plan::default(), gen: People::new(19_491_001, false), departments: Vec::new() };
    let county_shape = OfficeShape { departments: 18, branches: 2, deputies: 4 };
    let city_shape = OfficeShape { departments: 16, branches: 2, deputies: 5 };
    let mut county_names = CountyNames::default();
    let total = match scale {
        Scale::County => {
            let shape = OfficeShape { departments: 30, branches: 7, deputies: 6 };
            s.office(None, Level::County, "XX", "K", &shape);
            1_000
        }
        Scale::City => {
            let city = s.office(None, Level::City, "XX", "C", &city_shape);
            for k in 0..12 {
                let place = county_names.next(&mut s.gen.rng);
                s.office(Some(city), Level::County, &place, &format!("C-K{:02}", k + 1), &county_shape);
            }
            8_000
        }
        Scale::Province => {
            let shape = OfficeShape { departments: 20, branches: 3, deputies: 6 };
            let province = s.office(None, Level::Province, "XX", "P", &shape);
            let cities = 14;
            let counties = 100;
            for (c, city_name) in CITY_NAMES.iter().enumerate().take(cities) {
                let code = format!("P-C{:02}", c + 1);
                let city = s.office(Some(province), Level::City, city_name, &code, &city_shape);
                // 100 counties over 14 cities: the first ones get 8, the others 7
                let n = counties / cities + usize::from(c < counties % cities);
                for k in 0..n {
                    let place = county_names.next(&mut s.gen.rng);
                    s.office(Some(city), Level::County, &place, &format!("{code}-K{:02}", k + 1), &county_shape);
                }
            }
            52_000
        }
    };
    s.staff_departments(total);
    s.plan
}

/// Unique two-character county names.
#[derive(Default)]
struct CountyNames {
    used: HashSet<String>,
}

impl CountyNames {
    fn next(&mut self, rng: &mut StdRng) -> String {
        loop {
            let a = PLACE_FIRST[rng.gen_range(0..PLACE_FIRST.len())];
            let b = PLACE_SECOND[rng.gen_range(0..PLACE_SECOND.len())];
            if a == b {
                continue;
            }
            let name = format!("{a}{b}");
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }
}

/// The 职级 an office would write for a demo person (a name of the seeded 职级 dictionary).
fn demo_rank_name(title: &str, rank: Rank, retired: bool) -> String {
    let deputy = title.contains('副');
    let name = match rank {
        _ if retired => "",
        Rank::County if deputy => "副处级",
        Rank::County => "正处级",
        Rank::Township if deputy => "副科级",
        Rank::Township => "正科级",
        Rank::BelowSection => "一级科员",
        Rank::Staff => "工勤人员",
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingfeng_domain::dict::roles_to_keys;

    #[test]
    fn the_demo_office_is_believable() {
        let plan = county_office_demo();
        let s = plan.summary();
        assert!((60..=100).contains(&s.people), "{s:?}");
        let names: HashSet<&str> = plan.people.iter().map(|p| p.draft.name.as_str()).collect();
        assert_eq!(names.len(), plan.people.len(), "names are unique");
        let principals: Vec<_> = plan.people.iter().filter(|p| p.draft.roles.contains(&Role::Principal)).collect();
        assert_eq!(principals.len(), 1);
        // every department is in someone's charge, each leader has 2–4
        let departments: Vec<usize> =
            (0..plan.units.len()).filter(|&i| plan.units[i].kind == UnitKind::Department).collect();
        for d in &departments {
            assert!(plan.people.iter().any(|p| p.in_charge.contains(d)));
        }
        for p in plan.people.iter().filter(|p| p.draft.may_be_in_charge()) {
            assert!((2..=4).contains(&p.in_charge.len()));
        }
        for p in &plan.people {
            let d = &p.draft;
            if let (Some(b), Some(j)) = (d.birth_date, d.party_join_date) {
                assert!(j > b + Duration::days(18 * 365), "{}", d.name);
                assert!(j <= as_of());
            }
            assert_eq!(d.party_join_date.is_some(), d.political_status.is_party_member());
            if d.roles
                .iter()
                .any(|r| matches!(r, Role::BranchSecretary | Role::BranchCommittee | Role::DisciplineMember))
            {
                assert!(d.political_status.is_party_member(), "{}", roles_to_keys(&d.roles));
            }
        }
        assert_eq!(plan.people.iter().filter(|p| p.draft.roles.contains(&Role::BranchSecretary)).count(), 3);
        assert!(plan.people.iter().any(|p| p.draft.status == PersonStatus::Transferred));
        assert!(plan.people.iter().any(|p| p.draft.status == PersonStatus::Retired));
    }

    #[test]
    fn the_plans_are_deterministic_and_large_enough() {
        let a = county_office_demo();
        let b = county_office_demo();
        let names = |p: &Plan| -> Vec<String> { p.people.iter().map(|x| x.draft.name.clone()).collect() };
        assert_eq!(names(&a), names(&b));
        let county = scale_plan(Scale::County).summary();
        assert!((35..=45).contains(&county.units) && county.people >= 1_000, "{county:?}");
        let city = scale_plan(Scale::City).summary();
        assert!((270..=330).contains(&city.units) && city.people >= 8_000, "{city:?}");
        let province = scale_plan(Scale::Province);
        let s = province.summary();
        assert!(s.units >= 2_000 && s.people >= 50_000, "{s:?}");
        let codes: HashSet<&str> = province.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes.len(), s.units, "unit codes are unique");
        assert!(province.units.iter().all(|u| u.code.len() <= 32 && u.name.chars().count() <= 50));
    }

    #[tokio::test]
    async fn demo_seeds_once_and_the_audit_chain_holds() {
        for db in qingfeng_store::testing::engines().await {
            let s = seed_demo(&db).await.unwrap().expect("empty database is seeded");
            assert!(s.people >= 60);
            assert_eq!(seed_demo(&db).await.unwrap(), None, "a second run changes nothing");
            assert_eq!(seed_scale(&db, Scale::County).await.unwrap(), None);
            let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM people", vec![]).await.unwrap();
            assert_eq!(n as usize, s.people);
            let (n,): (i64,) = db.fetch_one("SELECT COUNT(*) FROM in_charge_of", vec![]).await.unwrap();
            assert_eq!(n, 12);
            assert!(matches!(
                qingfeng_store::audit::verify(&db).await.unwrap(),
                qingfeng_store::audit::Verification::Intact { .. }
            ));
            db.close().await;
        }
    }

    #[tokio::test]
    async fn county_scale_writes_a_consistent_tree() {
        for db in qingfeng_store::testing::engines().await {
            let s = seed_scale(&db, Scale::County).await.unwrap().unwrap();
            let (units, bad_paths): (i64, i64) = db
                .fetch_one("SELECT COUNT(*), SUM(CASE WHEN path = '' THEN 1 ELSE 0 END) FROM units", vec![])
                .await
                .unwrap();
            assert_eq!((units as usize, bad_paths), (s.units, 0));
            let (people, transfers): (i64, i64) = db
                .fetch_one("SELECT (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM person_transfers)", vec![])
                .await
                .unwrap();
            assert_eq!((people as usize, transfers as usize), (s.people, s.people));
            let (mismatched,): (i64,) = db
                .fetch_one(
                    "SELECT COUNT(*) FROM person_transfers t JOIN people p ON p.id = t.person_id \
                 WHERE t.to_unit_id <> p.unit_id OR t.to_status <> p.status",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(mismatched, 0, "each transfer record belongs to its person");
            assert_eq!(seed_demo(&db).await.unwrap(), None);
            assert!(matches!(
                qingfeng_store::audit::verify(&db).await.unwrap(),
                qingfeng_store::audit::Verification::Intact { .. }
            ));
            db.close().await;
        }
    }
}
