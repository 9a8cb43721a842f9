//! MySQL's account host patterns: `%`/`_` wildcards with `\` escapes, IPv4 `addr/mask` and
//! `addr/prefix` forms, and the weights MySQL sorts its in-memory ACL by.
//!
//! MySQL reference: <https://dev.mysql.com/doc/refman/8.4/en/connection-access.html>

use std::net::{IpAddr, Ipv4Addr};

/// A parsed host pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HostPattern {
    /// `198.51.100.0/255.255.255.0` or `198.51.100.0/24`: matches IPv4 clients by netmask.
    Masked { ip: u32, mask: u32 },
    /// Anything else: a `LIKE`-style pattern over the client's host name and IP text.
    /// The empty pattern matches every host.
    Wild(String),
}

impl HostPattern {
    /// Parses an account's host part.
    pub(crate) fn parse(host: &str) -> Self {
        if let Some((addr, mask)) = host.split_once('/') {
            if let Ok(ip) = addr.parse::<Ipv4Addr>() {
                let mask = if let Ok(m) = mask.parse::<Ipv4Addr>() {
                    Some(u32::from(m))
                } else if let Ok(bits) = mask.parse::<u8>() {
                    (bits <= 32).then(|| u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0))
                } else {
                    None
                };
                if let Some(mask) = mask {
                    return HostPattern::Masked {
                        ip: u32::from(ip),
                        mask,
                    };
                }
            }
        }
        HostPattern::Wild(host.to_string())
    }

    /// Whether a client with this host name (if known) and IP matches, like MySQL's
    /// `ACL_HOST_AND_IP::compare_hostname`: names compare case-insensitively, IP text exactly.
    pub(crate) fn matches(&self, hostname: Option<&str>, ip: IpAddr, ip_text: &str) -> bool {
        match self {
            HostPattern::Masked { ip: net, mask } => match ip {
                IpAddr::V4(v4) => u32::from(v4) & mask == *net,
                IpAddr::V6(_) => false,
            },
            HostPattern::Wild(p) if p.is_empty() => true,
            HostPattern::Wild(p) => {
                hostname.is_some_and(|h| wild_compare(h.as_bytes(), p.as_bytes(), true))
                    || wild_compare(ip_text.as_bytes(), p.as_bytes(), false)
            }
        }
    }

    /// For masked patterns, the mask (MySQL sorts them first, wider masks later).
    pub(crate) fn mask(&self) -> Option<u32> {
        match self {
            HostPattern::Masked { mask, .. } => Some(*mask),
            HostPattern::Wild(_) => None,
        }
    }
}

/// One token of a wildcard pattern.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(u8),
    One,
    Many,
}

fn tokens(pattern: &[u8]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut it = pattern.iter().copied().peekable();
    while let Some(c) = it.next() {
        match c {
            b'\\' => match it.next() {
                Some(n) => out.push(Tok::Lit(n)),
                None => out.push(Tok::Lit(b'\\')),
            },
            b'_' => out.push(Tok::One),
            b'%' => {
                if out.last() != Some(&Tok::Many) {
                    out.push(Tok::Many);
                }
            }
            c => out.push(Tok::Lit(c)),
        }
    }
    out
}

/// MySQL's `wild_compare` / `wild_case_compare`: `%` any run, `_` one byte, `\` escapes.
/// Linear-backtracking matcher: O(len(text) * len(pattern)) worst case, no recursion.
pub(crate) fn wild_compare(text: &[u8], pattern: &[u8], case_insensitive: bool) -> bool {
    let pat = tokens(pattern);
    let eq = |a: u8, b: u8| {
        if case_insensitive {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        let tc = text.get(t).copied().unwrap_or(0);
        match pat.get(p) {
            Some(Tok::Many) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Tok::One) => {
                t += 1;
                p += 1;
                continue;
            }
            Some(Tok::Lit(c)) if eq(*c, tc) => {
                t += 1;
                p += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pat.get(p..)
        .is_some_and(|rest| rest.iter().all(|t| *t == Tok::Many))
}

/// MySQL's `get_sort` weight of one string: 128 without wildcards, 0 if empty, otherwise the
/// wildcard's position (1-based) + 1, except a lone `%` which weighs 1.
pub(crate) fn sort_weight(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut chars = 0u32;
    let mut i = 0usize;
    while let Some(&c) = b.get(i) {
        if c == b'\\' && i + 1 < b.len() {
            i += 1;
        } else if c == b'%' || c == b'_' {
            let mut wild_pos = i + 1;
            if !(wild_pos == 1 && c == b'%' && i + 1 == b.len()) {
                wild_pos += 1;
            }
            return u32::try_from(wild_pos.min(127)).unwrap_or(127);
        }
        chars = 128;
        i += 1;
    }
    chars
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn m(text: &str, pat: &str) -> bool {
        wild_compare(text.as_bytes(), pat.as_bytes(), false)
    }

    #[test]
    fn wildcards_match_like_mysql() {
        assert!(m("127.0.0.1", "%"));
        assert!(m("127.0.0.1", "127.0.0.%"));
        assert!(m("127.0.0.1", "127.0.0._"));
        assert!(!m("127.0.0.10", "127.0.0._"));
        assert!(m("127.0.0.10", "127.0.0.__"));
        assert!(!m("127.0.0.1", "192.168.%"));
        assert!(m("abcabd", "%ab_"));
        assert!(m("", "%"));
        assert!(!m("", "_"));
        assert!(m("a%b", "a\\%b"));
        assert!(!m("axb", "a\\%b"));
        assert!(m("a_b", "a\\_b"));
        assert!(!m("axb", "a\\_b"));
        assert!(m("x", "%%%x%%"));
    }

    #[test]
    fn host_names_compare_case_insensitively() {
        assert!(wild_compare(b"LocalHost", b"localhost", true));
        assert!(!wild_compare(b"LocalHost", b"localhost", false));
    }

    #[test]
    fn pathological_patterns_terminate_quickly() {
        let text = "a".repeat(200);
        let pat = format!("{}b", "%a".repeat(60));
        assert!(!m(&text, &pat));
    }

    #[test]
    fn sort_weights_follow_mysql_get_sort() {
        assert_eq!(sort_weight("localhost"), 128);
        assert_eq!(sort_weight("127.0.0.1"), 128);
        assert_eq!(sort_weight(""), 0);
        assert_eq!(sort_weight("%"), 1);
        assert_eq!(sort_weight("%x"), 2);
        assert_eq!(sort_weight("192.168.%"), 10);
        assert_eq!(sort_weight("192.168.1.%"), 12);
        assert_eq!(sort_weight("a\\%b"), 128);
    }

    #[test]
    fn netmask_and_prefix_forms_match_ipv4_only() {
        let v4: IpAddr = "198.51.100.7".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        let p = HostPattern::parse("198.51.100.0/255.255.255.0");
        assert_eq!(p.mask(), Some(0xffff_ff00));
        assert!(p.matches(None, v4, "198.51.100.7"));
        assert!(!p.matches(None, v6, "::1"));
        let p = HostPattern::parse("198.51.100.0/24");
        assert!(p.matches(None, v4, "198.51.100.7"));
        let p = HostPattern::parse("198.51.0.0/255.255.0.0");
        assert!(p.matches(None, v4, "198.51.100.7"));
        let p = HostPattern::parse("10.0.0.0/8");
        assert!(!p.matches(None, v4, "198.51.100.7"));
        assert_eq!(HostPattern::parse("0.0.0.0/0").mask(), Some(0));
        assert_eq!(
            HostPattern::parse("10.0.0.0/33"),
            HostPattern::Wild("10.0.0.0/33".into())
        );
    }

    #[test]
    fn empty_pattern_matches_every_host() {
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        assert!(HostPattern::parse("").matches(None, ip, "203.0.113.9"));
    }

    #[test]
    fn host_name_or_ip_text_may_match() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let p = HostPattern::parse("LOCALHOST");
        assert!(p.matches(Some("localhost"), ip, "127.0.0.1"));
        assert!(!p.matches(None, ip, "127.0.0.1"));
        let p = HostPattern::parse("127.0.0.1");
        assert!(p.matches(Some("localhost"), ip, "127.0.0.1"));
    }
}
