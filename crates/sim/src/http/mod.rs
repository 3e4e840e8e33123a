//! HTTP plumbing shared by the identity and Graph halves: request correlation ids and the public base URL.

mod base_url;
mod request_id;

pub use base_url::BaseUrl;
pub use request_id::{CLIENT_REQUEST_ID, RequestIds};
