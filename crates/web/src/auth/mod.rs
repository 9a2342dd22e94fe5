//! Who is asking: the session cookie (browser) or `Authorization: Bearer` (integration),
//! resolved to a [`Principal`] with permissions and data scope ([`session`], [`scope`]); CSRF
//! and Origin checks for cookie-authenticated writes ([`csrf`]); the per-route permission
//! guard ([`guard`]); security headers on every response ([`headers`]).

pub mod csrf;
pub mod guard;
pub mod headers;
pub mod principal;
pub mod scope;
pub mod session;

pub use guard::{guard, Access};
pub use principal::{load_principal, ClientAddress, Ctx, Principal};
pub use scope::{resolve_scope, role_grants, RoleGrant};
pub use session::{authenticate, SESSION_COOKIE};
