//! Reading the `Bearer` challenge of a 401 or 403 (RFC 6750 §3, RFC 9728 §5.1).

/// The parameters of a `Bearer` challenge that matter to an MCP client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BearerChallenge {
    /// RFC 9728 §5.1: where the protected-resource metadata is.
    pub resource_metadata: Option<String>,
    /// The scopes the request needs, space-separated as sent.
    pub scope: Option<String>,
    /// The RFC 6750 §3.1 error code (`invalid_token`, `insufficient_scope`, …).
    pub error: Option<String>,
    /// The `error_description`.
    pub error_description: Option<String>,
}

impl BearerChallenge {
    /// Parses a `WWW-Authenticate` value, which may hold several challenges; only the `Bearer`
    /// one is read. `None` when there is no `Bearer` challenge.
    pub fn parse(header: &str) -> Option<Self> {
        let mut lexer = Lexer {
            rest: header.as_bytes(),
        };
        let mut in_bearer = false;
        let mut found = None::<Self>;
        while let Some(name) = lexer.token() {
            if lexer.eat(b'=') {
                let value = lexer.value();
                if let (true, Some(challenge)) = (in_bearer, found.as_mut()) {
                    let slot = match name.to_ascii_lowercase().as_str() {
                        "resource_metadata" => &mut challenge.resource_metadata,
                        "scope" => &mut challenge.scope,
                        "error" => &mut challenge.error,
                        "error_description" => &mut challenge.error_description,
                        _ => continue,
                    };
                    *slot = Some(value);
                }
            } else if found.is_some() {
                // The next challenge's scheme: the Bearer one is complete.
                break;
            } else {
                in_bearer = name.eq_ignore_ascii_case("bearer");
                if in_bearer {
                    found = Some(Self::default());
                }
            }
        }
        found
    }

    /// The challenged scopes, split on spaces.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope
            .iter()
            .flat_map(|s| s.split(' '))
            .filter(|s| !s.is_empty())
    }
}

struct Lexer<'a> {
    rest: &'a [u8],
}

impl Lexer<'_> {
    fn skip_separators(&mut self) {
        while let [b' ' | b'\t' | b',', tail @ ..] = self.rest {
            self.rest = tail;
        }
    }

    /// An RFC 9110 token (plus `/` and `=`-free base64 characters seen in token68).
    fn token(&mut self) -> Option<String> {
        self.skip_separators();
        let len = self
            .rest
            .iter()
            .take_while(|b| !matches!(b, b' ' | b'\t' | b',' | b'=' | b'"'))
            .count();
        if len == 0 {
            // Skip a stray byte so the loop always advances.
            let [_, tail @ ..] = self.rest else {
                return None;
            };
            self.rest = tail;
            return self.token();
        }
        let (head, tail) = self.rest.split_at(len);
        self.rest = tail;
        Some(String::from_utf8_lossy(head).into_owned())
    }

    fn eat(&mut self, byte: u8) -> bool {
        let mut probe = self.rest;
        while let [b' ' | b'\t', tail @ ..] = probe {
            probe = tail;
        }
        match probe {
            [b, tail @ ..] if *b == byte => {
                self.rest = tail;
                true
            }
            _ => false,
        }
    }

    /// A quoted-string (with `\` escapes) or a token.
    fn value(&mut self) -> String {
        while let [b' ' | b'\t', tail @ ..] = self.rest {
            self.rest = tail;
        }
        let mut out = Vec::new();
        if let [b'"', tail @ ..] = self.rest {
            self.rest = tail;
            loop {
                match self.rest {
                    [b'\\', c, tail @ ..] => {
                        out.push(*c);
                        self.rest = tail;
                    }
                    [b'"', tail @ ..] => {
                        self.rest = tail;
                        break;
                    }
                    [c, tail @ ..] => {
                        out.push(*c);
                        self.rest = tail;
                    }
                    [] => break,
                }
            }
        } else {
            let len = self
                .rest
                .iter()
                .take_while(|b| !matches!(b, b' ' | b'\t' | b','))
                .count();
            let (head, tail) = self.rest.split_at(len);
            out.extend_from_slice(head);
            self.rest = tail;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bearer_among_other_challenges() {
        let c = BearerChallenge::parse(
            r#"Basic realm="x", Bearer error="insufficient_scope", scope="a b", resource_metadata="https://h/.well-known/oauth-protected-resource/mcp", error_description="need \"a\"", DPoP algs="ES256""#,
        )
        .unwrap();
        assert_eq!(c.error.as_deref(), Some("insufficient_scope"));
        assert_eq!(c.scopes().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("https://h/.well-known/oauth-protected-resource/mcp")
        );
        assert_eq!(c.error_description.as_deref(), Some("need \"a\""));
    }

    #[test]
    fn bare_bearer_and_token_values() {
        assert_eq!(
            BearerChallenge::parse("Bearer"),
            Some(BearerChallenge::default())
        );
        let c = BearerChallenge::parse("bearer error=invalid_token").unwrap();
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        assert_eq!(BearerChallenge::parse(r#"Basic realm="r""#), None);
        assert_eq!(BearerChallenge::parse(""), None);
        assert_eq!(BearerChallenge::parse(",,==\"\""), None);
    }
}
