//! Pagination (server/utilities/pagination): pages of a configurable size with opaque
//! cursors. A cursor is the base64url of the next offset; anything we did not issue is
//! refused with -32602 ("Invalid cursors SHOULD result in an error with code -32602").

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mcp_protocol::ErrorObject;

/// One page of `items` starting at `cursor`, and the cursor of the next page.
pub(crate) fn page<T>(
    items: Vec<T>,
    cursor: Option<&str>,
    size: usize,
) -> Result<(Vec<T>, Option<String>), ErrorObject> {
    let start = match cursor {
        None => 0,
        Some(c) => decode(c)
            .filter(|&o| o <= items.len())
            .ok_or_else(|| ErrorObject::invalid_params(format!("invalid cursor {c:?}")))?,
    };
    let size = size.max(1);
    let end = start.saturating_add(size).min(items.len());
    let next = (end < items.len()).then(|| B64.encode(format!("o:{end}")));
    Ok((
        items.into_iter().skip(start).take(end - start).collect(),
        next,
    ))
}

fn decode(cursor: &str) -> Option<usize> {
    let bytes = B64.decode(cursor).ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .strip_prefix("o:")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_every_item_once_and_refuses_foreign_cursors() {
        let items: Vec<u32> = (0..7).collect();
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let (page, next) = page(items.clone(), cursor.as_deref(), 3).unwrap();
            assert!(page.len() <= 3);
            seen.extend(page);
            match next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        assert_eq!(seen, items);
        assert!(page(items.clone(), Some("nope"), 3).is_err());
        assert!(page(items, Some(&B64.encode("o:99")), 3).is_err());
    }
}
