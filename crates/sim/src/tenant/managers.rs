//! The org chart: each person's manager is someone generated before them, so the `manager` links form a
//! tree (a forest, with the few people who have no manager set) and never a cycle.

use rand::Rng;

use super::ids;
use super::user::{User, UserType};

pub fn assign(seed: u64, users: &mut [User]) {
    let mut rng = ids::rng(seed, ids::Stream::Managers);
    let mut staff: Vec<u32> = Vec::new();
    for (index, user) in users.iter_mut().enumerate() {
        if user.user_type != UserType::Member || user.given_name.is_none() {
            continue;
        }
        let manager = if staff.is_empty() || rng.random_ratio(1, 25) {
            None
        } else {
            // Biased towards early staff, so a few people manage many and the tree stays shallow.
            let u: f64 = rng.random_range(0.0..1.0);
            let pick = ((staff.len() as f64) * u.powi(2)) as usize;
            staff.get(pick.min(staff.len() - 1)).copied()
        };
        user.manager = manager;
        staff.push(index as u32);
    }
}
