//! The audit key: the secret that keys the audit chain and signs the published chain heads.
//!
//! It is kept outside the database, so that whoever can write the database still cannot compute
//! a valid record hash: from the environment variable `QINGFENG_AUDIT_KEY` when it is set (64 hex
//! digits are read as 32 bytes, any other text as its UTF-8 bytes), else from the file
//! `audit.key` in the data directory, which the first start creates with 32 random bytes (as 64
//! hex digits, so the same text can be put in `QINGFENG_AUDIT_KEY` of other replicas), readable
//! by its owner only.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The environment variable that holds the key (it takes precedence over the file).
pub const KEY_ENV: &str = "QINGFENG_AUDIT_KEY";
/// The key file's name in the data directory.
pub const KEY_FILE: &str = "audit.key";

/// A secret key for HMAC-SHA256. Cheap to clone; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey(Arc<[u8]>);

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuditKey({})", self.fingerprint())
    }
}

/// Where a key came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env,
    File(PathBuf),
    /// The file was created now.
    NewFile(PathBuf),
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Env => write!(f, "环境变量 {KEY_ENV}"),
            KeySource::File(p) => write!(f, "密钥文件 {}", p.display()),
            KeySource::NewFile(p) => write!(f, "新建的密钥文件 {}", p.display()),
        }
    }
}

impl AuditKey {
    /// A key of these bytes; None when empty.
    pub fn new(bytes: &[u8]) -> Option<AuditKey> {
        (!bytes.is_empty()).then(|| AuditKey(Arc::from(bytes)))
    }

    /// A key written as text: 64 hex digits are 32 bytes, anything else is taken as it is
    /// (surrounding white space ignored). None when empty.
    pub fn parse(text: &str) -> Option<AuditKey> {
        let t = text.trim();
        if t.len() == 64 {
            if let Ok(bytes) = hex::decode(t) {
                return AuditKey::new(&bytes);
            }
        }
        AuditKey::new(t.as_bytes())
    }

    /// The fixed key of test databases ([`crate::testing`]) and of [`crate::Db::connect`].
    /// It is public, so it protects nothing: installations use [`AuditKey::load`].
    pub fn for_tests() -> AuditKey {
        AuditKey::parse(TEST_KEY_HEX).expect("test key")
    }

    /// HMAC-SHA256 under this key of the concatenated `parts`, as hex.
    pub fn mac_hex(&self, parts: &[&[u8]]) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        for p in parts {
            m.update(p);
        }
        hex::encode(m.finalize().into_bytes())
    }

    /// Compares `mac_hex(parts)` with `expected` in constant time.
    pub fn mac_matches(&self, parts: &[&[u8]], expected: &str) -> bool {
        let Ok(expected) = hex::decode(expected) else { return false };
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        for p in parts {
            m.update(p);
        }
        m.verify_slice(&expected).is_ok()
    }

    /// The key's bytes (the reporter key derives its cipher key from them).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// A short name of the key that reveals nothing of it (to tell two keys apart in messages).
    pub fn fingerprint(&self) -> String {
        self.mac_hex(&[b"qingfeng-audit-key-fingerprint"])[..12].to_string()
    }

    /// The installation's key: `QINGFENG_AUDIT_KEY`, else `audit.key` in `data_dir`. With
    /// `create`, a missing file is created (32 random bytes, mode 0600); several processes
    /// starting at once end up with the same key.
    pub fn load(data_dir: &Path, create: bool) -> Result<(AuditKey, KeySource), String> {
        if let Ok(text) = std::env::var(KEY_ENV) {
            return AuditKey::parse(&text)
                .map(|k| (k, KeySource::Env))
                .ok_or_else(|| format!("环境变量 {KEY_ENV} 为空：请设置审计密钥，或删去该变量改用密钥文件"));
        }
        let path = data_dir.join(KEY_FILE);
        match read_key_file(&path)? {
            Some(key) => Ok((key, KeySource::File(path))),
            None if create => create_key_file(&path).map(|k| (k, KeySource::NewFile(path))),
            None => Err(format!(
                "找不到审计密钥：既没有环境变量 {KEY_ENV}，也没有密钥文件 {}（首次启动 serve 或 migrate 时生成）",
                path.display()
            )),
        }
    }
}

/// "qingfeng test audit key (public)" as 64 hex digits, the form a key file holds.
pub const TEST_KEY_HEX: &str = "71696e6766656e672074657374206175646974206b657920287075626c696329";

/// Reads a key file (also the reporter key's, [`crate::reporter_key`]); None when it is missing.
pub(crate) fn read_key_file(path: &Path) -> Result<Option<AuditKey>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            warn_if_readable_by_others(path);
            AuditKey::parse(&text).map(Some).ok_or_else(|| format!("密钥文件 {} 是空的", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("无法读取密钥文件 {}：{e}", path.display())),
    }
}

/// Writes a new key to a private temporary file and links it into place, which fails when
/// another process was first; then that process's key is read. A reader never sees a file
/// half written.
pub(crate) fn create_key_file(path: &Path) -> Result<AuditKey, String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("无法创建数据目录 {}：{e}", dir.display()))?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let text = format!("{}\n", hex::encode(bytes));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or(KEY_FILE);
    let tmp = dir.join(format!(".{name}.{}.{}", std::process::id(), &crate::accounts::random_token()[..8]));
    let written = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::hard_link(&tmp, path)
    })();
    let _ = std::fs::remove_file(&tmp);
    match written {
        Ok(()) => {
            tracing::warn!(path = %path.display(), "created a new key file; keep a copy of it apart from the database backups");
            AuditKey::new(&bytes).ok_or_else(|| "empty key".into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key_file(path)?.ok_or_else(|| format!("无法读取密钥文件 {}", path.display()))
        }
        Err(e) => Err(format!("无法写入密钥文件 {}：{e}", path.display())),
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "the audit key file is readable by others: chmod 600 it");
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        let key = AuditKey::new(b"Jefe").unwrap();
        let mac = key.mac_hex(&[b"what do ya ", b"want for nothing?"]);
        assert_eq!(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(key.mac_matches(&[b"what do ya want for nothing?"], &mac));
        assert!(!key.mac_matches(&[b"what do ya want for nothing!"], &mac));
        assert!(!key.mac_matches(&[b"what do ya want for nothing?"], "zz"));
    }

    #[test]
    fn keys_parse_from_hex_or_text() {
        let hex_key = AuditKey::parse(&format!(" {}\n", "ab".repeat(32))).unwrap();
        assert_eq!(hex_key, AuditKey::new(&[0xab; 32]).unwrap());
        assert_eq!(AuditKey::parse("a passphrase").unwrap(), AuditKey::new(b"a passphrase").unwrap());
        assert!(AuditKey::parse("  \n").is_none());
        assert_ne!(AuditKey::for_tests().fingerprint(), hex_key.fingerprint());
        assert!(!format!("{hex_key:?}").contains("abab"), "Debug never shows the key");
    }

    #[test]
    fn the_key_file_is_created_once_and_private() {
        let dir = std::env::temp_dir().join(format!("qingfeng-key-{}", &crate::accounts::random_token()[..12]));
        let path = dir.join(KEY_FILE);
        let created = create_key_file(&path).unwrap();
        assert_eq!(read_key_file(&path).unwrap(), Some(created.clone()));
        // a second creator finds the first one's key
        assert_eq!(create_key_file(&path).unwrap(), created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
