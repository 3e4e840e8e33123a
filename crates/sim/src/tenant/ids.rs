//! Deterministic identifiers. Each part of a tenant draws from its own ChaCha stream of the same seed,
//! so growing one part (more users, a new resource type) never changes the others, above all the
//! credentials a developer may have pasted somewhere.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use uuid::Uuid;

/// One independent random stream per part of the tenant. Never renumber: that would change every tenant.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Stream {
    Identity = 1,
    Users = 2,
    Groups = 3,
    Memberships = 4,
    Managers = 5,
    Devices = 6,
    ManagedDevices = 7,
    Skus = 8,
    Licenses = 9,
    /// Changes applied after generation; combined with the churn call's own seed.
    Churn = 10,
    Applications = 11,
}

pub fn rng(seed: u64, stream: Stream) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// A version-4 GUID, as Entra issues for object ids, app ids and tenant ids.
pub fn guid(rng: &mut impl Rng) -> Uuid {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// A client secret value in the shape Entra shows once after "New client secret": 40 characters, of which
/// characters 4..6 are `8Q~` (the format marker of current secrets) and the rest are URL-safe.
pub fn client_secret(rng: &mut impl Rng) -> String {
    const HEAD: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const TAIL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    let mut secret = String::with_capacity(40);
    for _ in 0..3 {
        secret.push(char::from(HEAD[rng.random_range(0..HEAD.len())]));
    }
    secret.push_str("8Q~");
    for _ in 0..34 {
        secret.push(char::from(TAIL[rng.random_range(0..TAIL.len())]));
    }
    secret
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_look_like_entra_secrets() {
        let mut rng = rng(7, Stream::Identity);
        for _ in 0..50 {
            let secret = client_secret(&mut rng);
            assert_eq!(secret.len(), 40);
            assert_eq!(&secret[3..6], "8Q~");
            assert!(
                secret
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
            );
        }
    }

    #[test]
    fn guids_are_version_4() {
        let id = guid(&mut rng(7, Stream::Users));
        assert_eq!(id.get_version_num(), 4);
    }
}
