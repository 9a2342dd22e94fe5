//! 参数设置: every setting an administrator may change in the interface, with its meaning, its
//! default and the rule its value must follow. The readers of each setting (login, password
//! policy, fulfilment, reminders, jobs, deliveries) keep their own defaults; these are the same
//! numbers, shown to the administrator.

/// What kind of value a setting holds, and its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SettingKind {
    /// an integer in `min..=max`
    Integer { min: i64, max: i64 },
    /// a number (decimals allowed) in `min..=max`
    Decimal { min: f64, max: f64 },
    /// an http:// or https:// address
    Url,
    /// a host name or IP address
    Host,
    /// one e-mail address (`name@host`)
    Email,
    /// e-mail addresses separated by commas
    EmailList,
    /// plain text up to this many characters
    Text { max: usize },
    /// a secret: written, never shown back (the page says 已设置)
    Secret,
    /// an IANA time-zone name such as `Asia/Shanghai`
    TimeZone,
    /// a day of every year, `MM-DD` (02-29 refused)
    MonthDay,
    /// a time of day, `HH:MM`
    ClockTime,
    /// yes or no, stored as 是 / 否
    Flag,
    /// one of these words
    Choice(&'static [&'static str]),
}

/// One setting as the 参数设置 page and the API describe it.
#[derive(Debug, Clone, Copy)]
pub struct SettingDef {
    pub key: &'static str,
    pub group: &'static str,
    pub label: &'static str,
    pub meaning: &'static str,
    /// the value in force when none is set ("" when the feature is off until set)
    pub default: &'static str,
    pub kind: SettingKind,
}

use SettingKind::*;

const fn def(
    key: &'static str,
    group: &'static str,
    label: &'static str,
    meaning: &'static str,
    default: &'static str,
    kind: SettingKind,
) -> SettingDef {
    SettingDef { key, group, label, meaning, default, kind }
}

/// A 影响期 (months a measure affects promotion) as a setting of the 处分影响期 group.
macro_rules! effect {
    ($key:literal, $label:literal, $default:literal) => {
        def(
            $key,
            "处分影响期",
            $label,
            "受此处理或处分的人员在决定之日起多少个月内不得提拔或重用（0 表示不设影响期），用于廉政档案和廉政意见回复",
            $default,
            Integer { min: 0, max: 120 },
        )
    };
}

/// An indicator's weight as a setting of the 考核 group (the weights must sum to 100).
macro_rules! weight {
    ($ind:ident, $label:literal, $meaning:literal) => {
        def(
            crate::assessment::Indicator::$ind.weight_setting(),
            "考核",
            $label,
            concat!($meaning, "。各项权重之和须为 100；不统计登录次数、在线时长、上传数量等活动（减负规定禁止按活动排名）"),
            weight_default(crate::assessment::Indicator::$ind),
            Integer { min: 0, max: 100 },
        )
    };
}

const fn weight_default(i: crate::assessment::Indicator) -> &'static str {
    match i {
        crate::assessment::Indicator::Fulfilment => "30",
        crate::assessment::Indicator::Tasks | crate::assessment::Indicator::Rectification => "20",
        _ => "10",
    }
}

/// Every setting, in the order the page shows them.
pub const SETTINGS: &[SettingDef] = &[
    def(
        crate::time::TIME_ZONE_SETTING,
        "落实与提醒",
        "单位所在时区",
        "按哪个时区计算“今天”：截止日期、回头看日期、清单年度和页面上显示的时间",
        "Asia/Shanghai",
        TimeZone,
    ),
    def(
        "login.max_failures",
        "登录与密码",
        "登录失败锁定次数",
        "同一账号或同一来源地址连续登录失败达到此次数即暂时锁定",
        "5",
        Integer { min: 1, max: 100 },
    ),
    def(
        "login.lock_minutes",
        "登录与密码",
        "锁定时长（分钟）",
        "锁定持续的分钟数，也是统计失败次数的时间窗口",
        "10",
        Integer { min: 1, max: 1440 },
    ),
    def(
        "password.min_length",
        "登录与密码",
        "密码最短长度",
        "设置或修改密码时的最少字符数",
        "8",
        Integer { min: 6, max: 64 },
    ),
    def(
        "password.min_classes",
        "登录与密码",
        "密码字符种类",
        "大写字母、小写字母、数字、其他符号中至少包含几类",
        "3",
        Integer { min: 1, max: 4 },
    ),
    def(
        "reminder.lead_days",
        "落实与提醒",
        "临期提醒天数",
        "截止日前多少天起，未完成的事项显示为临期（黄色）并发出提醒；到期未完成为滞后（红色）",
        "5",
        Integer { min: 0, max: 60 },
    ),
    def(
        "fulfilment.drop_threshold",
        "落实与提醒",
        "层级落差阈值（百分点）",
        "相邻层级的落实率下降超过此值时，标记“上热中温下冷”",
        "15",
        Decimal { min: 1.0, max: 100.0 },
    ),
    def(
        "finding.look_back_months",
        "问题整改",
        "回头看间隔（月）",
        "问题验收销号后过多少个月应开展回头看",
        "6",
        Integer { min: 1, max: 36 },
    ),
    def(
        crate::risk::REVIEW_MONTH_SETTING,
        "廉政风险防控",
        "年度排查截止月份",
        "各单位须在每年此月月底前申报本年度廉政风险点并提交审核；逾期仍为草稿的风险点在台账上标为“逾期未提交”",
        "3",
        Integer { min: 1, max: 12 },
    ),
    def(
        crate::decisions::register::THRESHOLD_SETTING,
        "三重一大",
        "大额度资金限额（元）",
        "单笔资金支出达到此金额须经集体决策；台账中达到限额而未关联会议议题的支出标为“无集体决策记录”（R-DEC-8）",
        crate::decisions::register::THRESHOLD_DEFAULT,
        Integer { min: 1000, max: 100_000_000_000 },
    ),
    def(
        "jobs.interval_seconds",
        "后台任务",
        "提醒任务间隔（秒）",
        "每个服务实例多久运行一次提醒与外发任务",
        "60",
        Integer { min: 10, max: 86400 },
    ),
    def(
        "site.base_url",
        "后台任务",
        "系统访问地址",
        "邮件中链接的前缀，如 http://qingfeng.xwb.local；留空则邮件不带链接",
        "",
        Url,
    ),
    def(
        "webhook.url",
        "Webhook",
        "Webhook 地址",
        "每条通知和每日公布的审计链头以 JSON POST 到此地址；留空则不发送",
        "",
        Url,
    ),
    def("webhook.secret", "Webhook", "Webhook 签名密钥", "用于请求的 HMAC 签名，接收方据此核验来源", "", Secret),
    def(
        "webhook.timeout_seconds",
        "Webhook",
        "外发超时（秒）",
        "Webhook 和邮件发送的超时时间",
        "10",
        Integer { min: 1, max: 300 },
    ),
    def("smtp.host", "邮件（SMTP）", "SMTP 服务器", "内网邮件中继的主机名或 IP 地址；留空则不发送邮件", "", Host),
    def("smtp.port", "邮件（SMTP）", "SMTP 端口", "邮件中继的端口", "25", Integer { min: 1, max: 65535 }),
    def("smtp.from", "邮件（SMTP）", "发件人地址", "通知邮件的发件人，如 qingfeng@xwb.local", "", Email),
    def(
        "smtp.security",
        "邮件（SMTP）",
        "SMTP 加密方式",
        "无：明文（仅限可信内网）；STARTTLS：连接后升级为加密（常用端口 587 或 25），服务器不支持时不发送；TLS：连接即加密（常用端口 465）",
        "无",
        Choice(&["无", "STARTTLS", "TLS"]),
    ),
    def(
        "smtp.ca_file",
        "邮件（SMTP）",
        "SMTP 根证书文件",
        "邮件服务器使用内部证书颁发机构签发的证书时，填写该机构根证书（PEM 格式）在服务器上的路径；留空则只信任公共根证书",
        "",
        Text { max: 500 },
    ),
    def("smtp.username", "邮件（SMTP）", "SMTP 用户名", "邮件中继要求登录时填写；留空则不登录", "", Text { max: 128 }),
    def("smtp.password", "邮件（SMTP）", "SMTP 密码", "邮件中继的登录密码", "", Secret),
    def(
        "notify.email_to",
        "邮件（SMTP）",
        "通知抄送邮箱",
        "每条通知另发一份到这些地址（如值班邮箱），多个用逗号分隔",
        "",
        EmailList,
    ),
    def(
        "outbound.backoff_seconds",
        "外发重试",
        "首次重试间隔（秒）",
        "外发失败后首次重试前等待的秒数，此后每次加倍；失败的外发不会丢弃",
        "60",
        Integer { min: 1, max: 86400 },
    ),
    def(
        "outbound.backoff_max_seconds",
        "外发重试",
        "最长重试间隔（秒）",
        "重试间隔加倍到此值为止",
        "3600",
        Integer { min: 1, max: 604800 },
    ),
    def(
        crate::study::YOUTH_MAX_AGE_SETTING,
        "教育与防控",
        "年轻干部年龄上限",
        "年龄（按出生日期计算）小于此数的干部列入年轻干部教育管理监督视图",
        "35",
        Integer { min: 18, max: 60 },
    ),
    def(
        crate::personal::ANNUAL_DUE_SETTING,
        "个人报告",
        "个人有关事项年度报告截止日",
        "须报告个人有关事项的领导干部每年此日前集中报告一次（领导干部报告个人有关事项规定第五条）；此日前“临期提醒天数”起提醒本人，逾期未报的提醒本人和纪检监察组",
        crate::personal::DEFAULT_ANNUAL_DUE,
        MonthDay,
    ),
    def(
        crate::personal::EVENT_DAYS_SETTING,
        "个人报告",
        "个人有关事项发生后报告天数",
        "婚姻变化、因私出国（境）等事项发生后应在此天数内报告，逾期的报告标为逾期",
        "30",
        Integer { min: 1, max: 365 },
    ),
    def(
        "family.advance_working_days",
        "个人报告",
        "婚丧喜庆事前报告工作日数",
        "操办婚嫁等喜庆事宜应至少提前此数个工作日报告（按节假日安排计算工作日），晚于此报告的标为逾期",
        "5",
        Integer { min: 0, max: 60 },
    ),
    def(
        "family.funeral_days",
        "个人报告",
        "丧事事后报告天数",
        "丧事可事后报告，应在丧事后此天数内报告",
        "10",
        Integer { min: 1, max: 90 },
    ),
    def("family.max_people", "个人报告", "婚丧喜庆人数上限", "宴请、参加人数超过此数的标为超规模", "200", Integer { min: 1, max: 100000 }),
    def(
        "family.max_people_joint",
        "个人报告",
        "联合操办人数上限",
        "与他人联合操办时的人数上限（应不低于单独操办的上限）",
        "300",
        Integer { min: 1, max: 100000 },
    ),
    def("family.max_tables", "个人报告", "婚丧喜庆桌数上限", "宴席桌数超过此数的标为超规模", "20", Integer { min: 1, max: 10000 }),
    def("family.max_cars", "个人报告", "婚丧喜庆车辆上限", "使用车辆超过此数的标为超规模", "5", Integer { min: 0, max: 1000 }),
    def(
        "family.gift_days",
        "个人报告",
        "礼金礼品上交天数",
        "收受管理服务对象礼金礼品的，应在操办后此天数内上交，逾期未上交的标出并提醒纪检监察组",
        "15",
        Integer { min: 1, max: 90 },
    ),
    def(
        crate::major_matters::ANSWER_DAYS_SETTING,
        "请示报告",
        "请示答复期限（天）",
        "请示报送后超过此天数仍未登记上级批复的，列为逾期未答复并提醒报送单位",
        "15",
        Integer { min: 1, max: 365 },
    ),
    def(
        "backup.keep_nightly",
        "备份",
        "保留的每日备份份数",
        "服务运行时每天自动备份一次数据库到数据目录的 backups 文件夹，保留最近的这么多份（0 表示不自动备份）",
        "7",
        Integer { min: 0, max: 365 },
    ),
    effect!("discipline.effect_months.admonition", "诫勉影响期（月）", "6"),
    effect!("discipline.effect_months.org_adjustment", "组织调整影响期（月）", "12"),
    effect!("discipline.effect_months.major_adjustment", "重大职务调整影响期（月）", "24"),
    effect!("discipline.effect_months.party_warning", "党内警告影响期（月）", "12"),
    effect!("discipline.effect_months.party_serious_warning", "党内严重警告影响期（月）", "18"),
    effect!("discipline.effect_months.party_post_removal", "撤销党内职务影响期（月）", "24"),
    effect!("discipline.effect_months.party_probation", "留党察看影响期（月）", "36"),
    effect!("discipline.effect_months.party_expulsion", "开除党籍影响期（月）", "60"),
    effect!("discipline.effect_months.gov_warning", "政务警告影响期（月）", "6"),
    effect!("discipline.effect_months.gov_demerit", "政务记过影响期（月）", "12"),
    effect!("discipline.effect_months.gov_major_demerit", "政务记大过影响期（月）", "18"),
    effect!("discipline.effect_months.gov_demotion", "政务降级影响期（月）", "24"),
    effect!("discipline.effect_months.gov_dismissal", "政务撤职影响期（月）", "24"),
    def(
        crate::vehicles::CUTOFF_SETTING,
        "公务用车与三公经费",
        "公务用车收车时限",
        "晚于此时刻收车（或跨日收车）且未登记特殊审批的出车，标为未按时回定点停放（R-CAR-3）；恰好在此时刻收车不算晚",
        crate::vehicles::CUTOFF_DEFAULT,
        ClockTime,
    ),
    def(
        crate::vehicles::KEYWORDS_SETTING,
        "公务用车与三公经费",
        "公车私用关键词",
        "事由或目的地含这些词的出车标为“待核实”，由纪检监察组核实，不自动认定违规（R-CAR-4）；多个用逗号分隔，留空用默认词表",
        crate::vehicles::KEYWORDS_DEFAULT,
        Text { max: 1000 },
    ),
    def(
        crate::budgets::WARN_SETTING,
        "公务用车与三公经费",
        "三公经费预警比例（%）",
        "某单位某类三公经费支出达到年度预算的此比例时预警，达到预算时提示已达到或超过预算，并通知该单位主要负责人和办公室",
        "80",
        Integer { min: 1, max: 100 },
    ),
    def(
        crate::receptions::ALCOHOL_SETTING,
        "公务接待",
        "工作餐是否允许饮酒",
        "填“是”则公务接待的工作餐可以饮酒；默认不允许，饮酒的用餐在 R-REC-6 检查中标出",
        "否",
        Flag,
    ),
    def(
        crate::receptions::CEILING_SETTING,
        "公务接待",
        "人均用餐标准（元）",
        "每次用餐的费用不得超过此金额乘以就餐人数（R-REC-7）；国家没有统一标准，留空则该项检查显示“未设置”",
        "",
        Integer { min: 1, max: 10_000 },
    ),
    def(
        crate::receptions::SAME_CITY_SETTING,
        "公务接待",
        "检查同城接待",
        "填“是”则来宾所在城市与本地相同的接待在 R-REC-8 检查中标出（不得同城接待）；默认不检查",
        "否",
        Flag,
    ),
    def(crate::receptions::HOST_CITY_SETTING, "公务接待", "本地所在城市", "同城接待检查用的本地城市名，如 清河县", "", Text { max: 50 }),
    def(
        crate::receptions::APPROVAL_SETTING,
        "公务接待",
        "报销须附事前审批单",
        "填“是”则公务接待报销除票据、公函、接待清单外还须附事前审批单（R-REC-5）；默认不要求",
        "否",
        Flag,
    ),
    weight!(Fulfilment, "责任落实权重", "责任清单事项到期应完成次数中已完成的比例，乘以此权重"),
    weight!(Tasks, "任务完成权重", "到期（或已完成）的牵头任务中已完成的比例，乘以此权重"),
    weight!(Rectification, "问题整改率权重", "本年度发现的问题中已验收销号的比例，乘以此权重"),
    weight!(Overdue, "整改逾期权重", "本项满分；本年度问题中整改措施逾期未完成的，每个扣“整改逾期每个扣分”，扣完为止"),
    weight!(Severity, "发现问题权重", "本项满分；本年度发现的问题按严重程度每个扣相应分数，扣完为止"),
    weight!(Decisions, "集体决策权重", "本年度三重一大决策会议中检查全部通过的比例，乘以此权重"),
    def(
        crate::assessment::OVERDUE_EACH_SETTING,
        "考核",
        "整改逾期每个扣分",
        "整改措施逾期未完成的问题每个扣此分数（整改逾期一项扣完为止）",
        "2",
        Integer { min: 0, max: 100 },
    ),
    def(crate::assessment::GENERAL_SETTING, "考核", "一般问题每个扣分", "本年度发现的一般问题每个扣此分数", "1", Integer { min: 0, max: 100 }),
    def(crate::assessment::SERIOUS_SETTING, "考核", "较重问题每个扣分", "本年度发现的较重问题每个扣此分数", "3", Integer { min: 0, max: 100 }),
    def(crate::assessment::GRAVE_SETTING, "考核", "严重问题每个扣分", "本年度发现的严重问题每个扣此分数", "5", Integer { min: 0, max: 100 }),
    def(crate::assessment::GOOD_SETTING, "考核", "“好”等次分数线", "总分达到此分数为“好”", "90", Integer { min: 1, max: 200 }),
    def(crate::assessment::FAIR_SETTING, "考核", "“较好”等次分数线", "总分达到此分数（低于“好”）为“较好”", "80", Integer { min: 1, max: 200 }),
    def(crate::assessment::PASS_SETTING, "考核", "“一般”等次分数线", "总分达到此分数（低于“较好”）为“一般”，低于此分数为“差”", "60", Integer { min: 0, max: 200 }),
    def(
        crate::assessment::ADJUST_MAX_SETTING,
        "考核",
        "单次加减分上限",
        "考核人员每次加分或扣分不能超过此分数，并须写明理由",
        "10",
        Integer { min: 1, max: 100 },
    ),
    def(
        crate::petitions::MAX_REPORTS_SETTING.0,
        "信访举报",
        "同一地址可提交的举报件数",
        "网上举报页面：同一来源地址在下面的时间窗口内最多可提交几件，超过的提交被拒绝并提示稍后再试",
        "3",
        Integer { min: 1, max: 100 },
    ),
    def(
        crate::petitions::REPORT_WINDOW_SETTING.0,
        "信访举报",
        "举报提交频率窗口（分钟）",
        "统计同一地址提交件数的时间窗口",
        "10",
        Integer { min: 1, max: 1440 },
    ),
    def(
        crate::petitions::MAX_QUERY_FAILURES_SETTING.0,
        "信访举报",
        "查询失败锁定次数",
        "凭受理编号和查询密码查询办理情况：同一受理编号或同一来源地址失败达到此次数即暂时锁定",
        "5",
        Integer { min: 1, max: 100 },
    ),
    def(
        crate::petitions::QUERY_LOCK_SETTING.0,
        "信访举报",
        "查询锁定时长（分钟）",
        "查询锁定持续的分钟数，也是统计查询失败次数的时间窗口",
        "30",
        Integer { min: 1, max: 1440 },
    ),
    def(
        crate::petitions::MAX_FILES_SETTING.0,
        "信访举报",
        "每件举报的证据材料个数",
        "网上举报最多可附几个证据材料（图片、pdf、docx、xlsx）",
        "5",
        Integer { min: 0, max: 10 },
    ),
    def(
        crate::petitions::MAX_FILE_MB_SETTING.0,
        "信访举报",
        "每个证据材料的大小上限（MB）",
        "单个证据材料超过此大小即拒收",
        "10",
        Integer { min: 1, max: 10 },
    ),
    def(
        crate::petitions::REPLY_DAYS_SETTING.0,
        "信访举报",
        "函询回复期限（工作日）",
        "谈话函询的被函询人应在多少个工作日内书面回复（按节假日安排计算工作日），到期前提醒纪检监察组",
        "15",
        Integer { min: 1, max: 60 },
    ),
];

pub fn setting(key: &str) -> Option<&'static SettingDef> {
    SETTINGS.iter().find(|d| d.key == key)
}

/// `name@host`: what the settings, the accounts and the mailer accept as an e-mail address.
pub fn is_email(s: &str) -> bool {
    let Some((local, host)) = s.split_once('@') else { return false };
    !local.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && s.chars().all(|c| c.is_ascii_graphic() && c != ',' && c != '<' && c != '>')
        && !host.contains('@')
}

fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

impl SettingDef {
    /// Checks a value as entered: the value to store (trimmed), or a message naming the setting.
    /// An empty value is allowed for every setting and means "the default" (or "off").
    pub fn check(&self, value: &str) -> Result<String, String> {
        let v = value.trim();
        if v.is_empty() {
            return Ok(String::new());
        }
        let label = self.label;
        match self.kind {
            Integer { min, max } => match v.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
                _ => Err(format!("{label}应为 {min}–{max} 之间的整数")),
            },
            Decimal { min, max } => match v.parse::<f64>() {
                Ok(n) if n.is_finite() && n >= min && n <= max => Ok(v.to_string()),
                _ => Err(format!("{label}应为 {min}–{max} 之间的数")),
            },
            Url => {
                let rest = v.strip_prefix("http://").or_else(|| v.strip_prefix("https://"));
                let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
                match host {
                    Some(h) if is_host(h) && !v.chars().any(char::is_whitespace) && v.len() <= 500 => Ok(v.to_string()),
                    _ => Err(format!("{label}应为以 http:// 或 https:// 开头的网址")),
                }
            }
            Host if is_host(v) => Ok(v.to_string()),
            Host => Err(format!("{label}应为主机名或 IP 地址，如 mail.xwb.local")),
            Email if is_email(v) => Ok(v.to_string()),
            Email => Err(format!("{label}“{v}”不是有效的邮箱地址")),
            EmailList => {
                let list: Vec<&str> = v.split([',', '，']).map(str::trim).filter(|s| !s.is_empty()).collect();
                match list.iter().find(|a| !is_email(a)) {
                    Some(bad) => Err(format!("{label}中的“{bad}”不是有效的邮箱地址")),
                    None => Ok(list.join(",")),
                }
            }
            Text { max } if v.chars().count() <= max => Ok(v.to_string()),
            Text { max } => Err(format!("{label}不能超过 {max} 个字符")),
            Secret if v.chars().count() <= 256 => Ok(v.to_string()),
            Secret => Err(format!("{label}不能超过 256 个字符")),
            MonthDay => match crate::personal::parse_month_day(v) {
                Some((m, d)) => Ok(format!("{m:02}-{d:02}")),
                None => Err(format!("{label}应为每年都有的日期，格式如 01-31")),
            },
            ClockTime => match crate::vehicles::parse_clock(v) {
                Some(t) => Ok(t.format("%H:%M").to_string()),
                None => Err(format!("{label}应为时刻，格式如 22:00")),
            },
            Flag => match v {
                "是" | "yes" | "true" | "1" | "开启" => Ok("是".into()),
                "否" | "no" | "false" | "0" | "关闭" => Ok("否".into()),
                _ => Err(format!("{label}应为“是”或“否”")),
            },
            TimeZone => crate::time::parse_time_zone(v).map(|_| v.to_string()).map_err(|m| format!("{label}：{m}")),
            Choice(words) => match words.iter().find(|w| w.eq_ignore_ascii_case(v)) {
                Some(w) => Ok(w.to_string()),
                None => Err(format!("{label}应为{}之一", words.join("、"))),
            },
        }
    }

    pub fn is_secret(&self) -> bool {
        self.kind == Secret
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_effect_period_is_a_setting_with_its_default() {
        for (measure, key, default) in crate::discipline::EFFECT_MONTHS {
            let d = setting(key).unwrap_or_else(|| panic!("{measure:?}"));
            assert_eq!(d.default, default.to_string(), "{key}");
            assert!(d.label.starts_with(measure.label()), "{key}");
        }
    }

    #[test]
    fn numbers_in_range_urls_and_emails() {
        let d = setting("login.max_failures").unwrap();
        assert_eq!(d.check(" 7 "), Ok("7".into()));
        assert_eq!(d.check("0").unwrap_err(), "登录失败锁定次数应为 1–100 之间的整数");
        assert!(d.check("abc").is_err());
        assert_eq!(d.check(""), Ok(String::new()));
        assert!(setting("fulfilment.drop_threshold").unwrap().check("12.5").is_ok());
        let url = setting("webhook.url").unwrap();
        assert!(url.check("http://10.0.0.5:8080/hook").is_ok());
        assert!(url.check("ftp://x").unwrap_err().contains("Webhook 地址"));
        assert!(url.check("http://a b").is_err());
        let from = setting("smtp.from").unwrap();
        assert!(from.check("qingfeng@xwb.local").is_ok());
        assert!(from.check("qingfeng").unwrap_err().contains("发件人地址"));
        let to = setting("notify.email_to").unwrap();
        assert_eq!(to.check("a@b.cn， c@d.cn"), Ok("a@b.cn,c@d.cn".into()));
        assert!(to.check("a@b.cn, x").is_err());
        let tz = setting("office.time_zone").unwrap();
        assert!(tz.check("Asia/Urumqi").is_ok());
        assert!(tz.check("Beijing").unwrap_err().contains("单位所在时区"));
    }

    #[test]
    fn assessment_defaults_agree_with_the_rules() {
        let r = crate::assessment::Rules::from_settings(|k| setting(k).map(|d| d.default.to_string()));
        assert_eq!(r, crate::assessment::Rules::default());
    }

    #[test]
    fn every_default_passes_its_own_check() {
        for d in SETTINGS {
            assert!(d.check(d.default).is_ok(), "{}", d.key);
            assert!(!d.meaning.is_empty() && !d.label.is_empty());
        }
    }
}
