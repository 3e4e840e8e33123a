//! What Entra Sync reads (Graph records, `$select`ed to what is mapped) and what it writes (Assets
//! objects with stable external ids), and the pure mapping between them.

mod assets;
mod fingerprint;
mod map;
mod records;

pub use assets::{AssetsObject, AttrValue, ObjectType, Status};
pub use fingerprint::Fingerprint;
pub use map::{group_object, user_object};
pub use records::{DirectoryRef, Group, User};
