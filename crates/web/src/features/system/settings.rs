//! 参数设置: the settings of `qingfeng_domain::settings::SETTINGS` with their values, and
//! saving them (validated, secrets write-only, one audit record per changed setting).

use std::collections::BTreeMap;

use qingfeng_domain::settings::{setting, SettingKind, SETTINGS};
use qingfeng_domain::FieldErrors;
use qingfeng_store::settings::{self, SettingChange};
use serde::Serialize;

use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// A setting as the page and the API show it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SettingView {
    pub key: &'static str,
    pub group: &'static str,
    pub label: &'static str,
    pub meaning: &'static str,
    /// the value in force when none is set ("" when off until set)
    pub default: &'static str,
    /// the value set; always null for a secret
    pub value: Option<String>,
    /// whether a value is set (for a secret: 已设置)
    pub is_set: bool,
    pub secret: bool,
    /// what the value must be, in words
    pub rule: String,
}

fn rule(kind: SettingKind) -> String {
    match kind {
        SettingKind::Integer { min, max } => format!("{min}–{max} 的整数"),
        SettingKind::Decimal { min, max } => format!("{min}–{max} 的数"),
        SettingKind::Url => "http:// 或 https:// 开头的网址".into(),
        SettingKind::Host => "主机名或 IP 地址".into(),
        SettingKind::Email => "邮箱地址".into(),
        SettingKind::EmailList => "邮箱地址，多个用逗号分隔".into(),
        SettingKind::Text { max } => format!("不超过 {max} 个字符"),
        SettingKind::Secret => "只写：保存后不再显示".into(),
        SettingKind::TimeZone => "IANA 时区名，如 Asia/Shanghai".into(),
        SettingKind::MonthDay => "每年的月-日，如 01-31".into(),
        SettingKind::ClockTime => "时刻，如 22:00".into(),
        SettingKind::Flag => "是 或 否".into(),
        SettingKind::Choice(words) => format!("{}之一", words.join("、")),
    }
}

pub async fn views(state: &AppState) -> ApiResult<Vec<SettingView>> {
    let stored: BTreeMap<String, String> = settings::all(&state.db).await?.into_iter().collect();
    Ok(SETTINGS
        .iter()
        .map(|d| {
            let value = stored.get(d.key).filter(|v| !v.is_empty()).cloned();
            SettingView {
                key: d.key,
                group: d.group,
                label: d.label,
                meaning: d.meaning,
                default: d.default,
                is_set: value.is_some(),
                secret: d.is_secret(),
                value: if d.is_secret() { None } else { value },
                rule: rule(d.kind),
            }
        })
        .collect())
}

/// Saves the given settings (key → new value; null or "" returns a setting to its default).
/// All or nothing: every value is checked first, each error names its setting.
pub async fn save(state: &AppState, p: &Principal, values: &BTreeMap<String, Option<String>>) -> ApiResult<usize> {
    let mut e = FieldErrors::default();
    let mut changes = Vec::new();
    for (key, value) in values {
        let Some(d) = setting(key) else {
            e.push(key, format!("没有名为“{key}”的参数"));
            continue;
        };
        match d.check(value.as_deref().unwrap_or("")) {
            Ok(v) => changes.push(SettingChange {
                key: key.clone(),
                label: d.label.into(),
                value: Some(v),
                secret: d.is_secret(),
            }),
            Err(m) => e.push(key, m),
        }
    }
    check_backoff(state, &changes, &mut e).await?;
    check_assessment(state, &changes, &mut e).await?;
    e.into_result().map_err(ApiError::Invalid)?;
    Ok(settings::apply(&state.db, &p.actor(), &changes).await?)
}

/// The 考核 weights must still sum to 100 and the grade thresholds descend, with the changes
/// applied (a weight returned to its default counts its default).
async fn check_assessment(state: &AppState, changes: &[SettingChange], e: &mut FieldErrors) -> ApiResult<()> {
    if !e.is_empty() || !changes.iter().any(|c| c.key.starts_with("assessment.")) {
        return Ok(());
    }
    let stored: BTreeMap<String, String> = settings::all(&state.db).await?.into_iter().collect();
    let found = qingfeng_domain::assessment::check_rules(|key| match changes.iter().find(|c| c.key == key) {
        Some(c) => c.value.clone().filter(|v| !v.is_empty()),
        None => stored.get(key).cloned(),
    });
    e.0.extend(found.0);
    Ok(())
}

/// The longest retry pause may not be shorter than the first.
async fn check_backoff(state: &AppState, changes: &[SettingChange], e: &mut FieldErrors) -> ApiResult<()> {
    async fn effective(state: &AppState, changes: &[SettingChange], key: &str, default: i64) -> ApiResult<i64> {
        Ok(match changes.iter().find(|c| c.key == key) {
            Some(c) => c.value.as_deref().and_then(|v| v.parse().ok()).unwrap_or(default),
            None => settings::number(&state.db, key, default).await?,
        })
    }
    let base = effective(state, changes, "outbound.backoff_seconds", 60).await?;
    let max = effective(state, changes, "outbound.backoff_max_seconds", 3600).await?;
    if e.is_empty() && max < base {
        e.push("outbound.backoff_max_seconds", format!("最长重试间隔（{max} 秒）不能短于首次重试间隔（{base} 秒）"));
    }
    Ok(())
}
