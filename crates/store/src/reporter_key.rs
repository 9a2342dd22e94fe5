//! The reporter key: the secret that seals a 信访举报's reporter identity (name and contact) at
//! rest with XChaCha20-Poly1305. Like the audit key it never enters the database: it comes from
//! `QINGFENG_REPORTER_KEY` (64 hex digits, or any text, which is hashed to 32 bytes) or from the
//! file `reporter.key` in the data directory, created on first start (32 random bytes as hex,
//! mode 0600). Whoever holds only a database dump (or a `qingfeng backup` file, which does not
//! include the key) cannot read an identity; losing the key loses every identity for good.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use qingfeng_domain::petitions::Identity;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::audit_key::{create_key_file, read_key_file, AuditKey, KeySource};

/// The environment variable that holds the key (it takes precedence over the file).
pub const KEY_ENV: &str = "QINGFENG_REPORTER_KEY";
/// The key file's name in the data directory.
pub const KEY_FILE: &str = "reporter.key";
/// Bound into every sealed identity: a sealed value of another kind does not open as one.
const AAD: &[u8] = b"qingfeng reporter identity v1";
const NONCE_LEN: usize = 24;

/// The cipher key. Cheap to clone; never printed.
#[derive(Clone)]
pub struct ReporterKey(Arc<[u8; 32]>);

impl fmt::Debug for ReporterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReporterKey(…)")
    }
}

impl ReporterKey {
    /// A key from any secret bytes: 32 bytes are used as they are, anything else hashed.
    pub fn from_secret(bytes: &[u8]) -> ReporterKey {
        let key: [u8; 32] = match <[u8; 32]>::try_from(bytes) {
            Ok(k) => k,
            Err(_) => Sha256::digest(bytes).into(),
        };
        ReporterKey(Arc::new(key))
    }

    /// A fixed, public key for tests: it protects nothing.
    pub fn for_tests() -> ReporterKey {
        ReporterKey::from_secret(b"qingfeng test reporter key (public)")
    }

    /// The installation's key: `QINGFENG_REPORTER_KEY`, else `reporter.key` in `data_dir`,
    /// created (mode 0600) when missing and `create` is set.
    pub fn load(data_dir: &Path, create: bool) -> Result<(ReporterKey, KeySource), String> {
        if let Ok(text) = std::env::var(KEY_ENV) {
            let key = AuditKey::parse(&text).ok_or_else(|| format!("环境变量 {KEY_ENV} 为空"))?;
            return Ok((ReporterKey::from_secret(key.bytes()), KeySource::Env));
        }
        let path = data_dir.join(KEY_FILE);
        match read_key_file(&path)? {
            Some(key) => Ok((ReporterKey::from_secret(key.bytes()), KeySource::File(path))),
            None if create => {
                create_key_file(&path).map(|k| (ReporterKey::from_secret(k.bytes()), KeySource::NewFile(path)))
            }
            None => Err(format!("找不到举报人信息密钥：既没有环境变量 {KEY_ENV}，也没有密钥文件 {}", path.display())),
        }
    }

    /// Seals an identity: a random nonce followed by the ciphertext and its tag.
    pub fn seal(&self, identity: &Identity) -> Vec<u8> {
        let plain = serde_json::to_vec(identity).unwrap_or_default();
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: AAD })
            .expect("XChaCha20-Poly1305 encrypts any message of this size");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a sealed identity; None when it was sealed under another key or altered.
    pub fn open(&self, sealed: &[u8]) -> Option<Identity> {
        if sealed.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let plain = cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: AAD }).ok()?;
        serde_json::from_slice(&plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_identities_open_only_with_their_key() {
        let id = Identity { name: "李四".into(), contact: "13800000000".into() };
        let k = ReporterKey::for_tests();
        let sealed = k.seal(&id);
        assert!(!sealed.windows(6).any(|w| w == "李四".as_bytes()));
        assert_eq!(k.open(&sealed), Some(id.clone()));
        assert_eq!(ReporterKey::from_secret(b"another").open(&sealed), None);
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(k.open(&altered), None);
        assert_ne!(k.seal(&id), sealed, "a fresh nonce each time");
    }
}
