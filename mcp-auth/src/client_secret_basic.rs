//! `client_secret_basic` (RFC 6749 §2.3.1), shared by the token requests of the OAuth client
//! and by RFC 7662 introspection: the client id and secret are form-urlencoded (Appendix B)
//! before they become the Basic credentials.

/// Adds `client_id`:`client_secret` as HTTP Basic credentials to `request`.
pub(crate) fn authenticate(
    request: reqwest::RequestBuilder,
    client_id: &str,
    client_secret: &str,
) -> reqwest::RequestBuilder {
    request.basic_auth(form_encoded(client_id), Some(form_encoded(client_secret)))
}

fn form_encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::form_encoded;

    #[test]
    fn credentials_are_form_encoded_first() {
        assert_eq!(form_encoded("abc-._*XYZ09"), "abc-._*XYZ09");
        assert_eq!(form_encoded("a b:c%/é"), "a+b%3Ac%25%2F%C3%A9");
    }
}
