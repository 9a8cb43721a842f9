//! The RSA key pair `caching_sha2_password` uses to receive passwords over plain connections.
//!
//! MySQL reference: <https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html>
//! (key files: <https://dev.mysql.com/doc/refman/8.4/en/caching-sha2-pluggable-authentication.html>)
//!
//! Without TLS, a client that must send its full password asks for the server's public key
//! (`0x02`, answered with the PEM text in AuthMoreData) unless it already has it, then sends
//! `RSA-OAEP(password ‖ NUL XOR nonce)` with SHA-1 and MGF1-SHA-1 (OpenSSL's
//! `RSA_PKCS1_OAEP_PADDING`), one block of the key's size (256 bytes for 2048 bits).
//!
//! Like MySQL with `caching_sha2_password_auto_generate_rsa_keys=ON`, the key pair lives in
//! `private_key.pem` and `public_key.pem` of a directory (the data directory) and is generated
//! on first start: 2048 bits, the private key readable by the owner only, the public key as a
//! SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`). The public key text is sent to
//! clients exactly as the file holds it, as MySQL does.
//!
//! Decryption uses the `rsa` crate with blinding. That crate's decryption is not constant-time
//! (RUSTSEC-2023-0071, "Marvin"); the exposure is the same as any RSA decryption oracle and is
//! avoided entirely by TLS.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::num::NonZeroU32;
use std::path::Path;

use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey, LineEnding};
use rsa::rand_core::{self, CryptoRng, RngCore};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use sha1::Sha1;

use crate::AuthError;

/// File name of the private key, as MySQL's `caching_sha2_password_private_key_path` default.
pub const PRIVATE_KEY_FILE: &str = "private_key.pem";
/// File name of the public key, as MySQL's `caching_sha2_password_public_key_path` default.
pub const PUBLIC_KEY_FILE: &str = "public_key.pem";
/// Modulus size of generated keys, as MySQL's auto-generated keys.
pub const GENERATED_KEY_BITS: usize = 2048;
/// Largest ciphertext MySQL accepts (`MAX_CIPHER_LENGTH`): keys up to 8192 bits.
const MAX_CIPHER_LEN: usize = 1024;

/// `caching_sha2_password`'s RSA key pair: decrypts passwords sent over plain connections.
///
/// `Debug` shows only the key size.
pub struct RsaKeyPair {
    private: RsaPrivateKey,
    public_pem: String,
}

impl fmt::Debug for RsaKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaKeyPair")
            .field("bits", &(self.private.size() * 8))
            .finish_non_exhaustive()
    }
}

fn key_error(reason: String) -> AuthError {
    AuthError::RsaKey(reason)
}

fn io_error(action: &str, path: &Path, e: &io::Error) -> AuthError {
    key_error(format!("cannot {action} {}: {e}", path.display()))
}

impl RsaKeyPair {
    /// Loads `private_key.pem` and `public_key.pem` from `dir`, or, if neither exists, generates
    /// a 2048-bit key pair and writes both (the private key with mode 0600 on Unix), like
    /// MySQL's `caching_sha2_password_auto_generate_rsa_keys`.
    ///
    /// Errors name the file concerned: only one of the two exists, a file cannot be read or
    /// written, a key does not parse (private: PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`;
    /// public: `PUBLIC KEY`), or the public key is not the private key's.
    pub fn load_or_generate(dir: &Path) -> Result<RsaKeyPair, AuthError> {
        load_or_generate_with(dir, generate_private_key)
    }

    /// A fresh 2048-bit key pair that lives only in memory.
    pub fn generate() -> Result<RsaKeyPair, AuthError> {
        Self::from_private_key(generate_private_key()?)
    }

    /// The key pair of a PEM private key (PKCS#1 or PKCS#8, unencrypted); the public key text
    /// is derived from it (SubjectPublicKeyInfo PEM, LF line endings).
    pub fn from_pem(private_pem: &str) -> Result<RsaKeyPair, AuthError> {
        Self::from_private_key(parse_private_pem(private_pem)?)
    }

    fn from_private_key(private: RsaPrivateKey) -> Result<RsaKeyPair, AuthError> {
        let public_pem = private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| key_error(format!("cannot encode the public key: {e}")))?;
        checked(private, public_pem)
    }

    /// The public key as PEM text: what the server sends after a `0x02` request and what
    /// `SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key'` shows.
    pub fn public_key_pem(&self) -> &str {
        &self.public_pem
    }

    /// Length of a ciphertext the client must send: the modulus size in bytes.
    pub fn ciphertext_len(&self) -> usize {
        self.private.size()
    }

    /// Decrypts a client's RSA-encrypted password: RSA-OAEP (SHA-1, MGF1-SHA-1), XOR with
    /// `nonce` repeated, then the password up to its NUL terminator (the whole text if there is
    /// none), as MySQL's `strlen` sees it. `None` if the ciphertext is not exactly
    /// [`Self::ciphertext_len`] bytes, fails to decrypt, or `nonce` is empty.
    pub fn decrypt_password(&self, ciphertext: &[u8], nonce: &[u8]) -> Option<Vec<u8>> {
        if nonce.is_empty() || ciphertext.len() != self.ciphertext_len() {
            return None;
        }
        let mut rng = RingRng::new();
        let plain = self
            .private
            .decrypt_blinded(&mut rng, Oaep::new::<Sha1>(), ciphertext)
            .ok()?;
        if rng.failed {
            return None;
        }
        let mut password: Vec<u8> = plain
            .iter()
            .zip(nonce.iter().cycle())
            .map(|(p, n)| p ^ n)
            .collect();
        if let Some(end) = password.iter().position(|&b| b == 0) {
            password.truncate(end);
        }
        Some(password)
    }
}

/// Checks what MySQL would also refuse: keys over 8192 bits (`MAX_CIPHER_LENGTH`).
fn checked(private: RsaPrivateKey, public_pem: String) -> Result<RsaKeyPair, AuthError> {
    if private.size() > MAX_CIPHER_LEN {
        return Err(key_error(format!(
            "the key has {} bits; at most {} are supported",
            private.size() * 8,
            MAX_CIPHER_LEN * 8
        )));
    }
    Ok(RsaKeyPair {
        private,
        public_pem,
    })
}

fn parse_private_pem(pem: &str) -> Result<RsaPrivateKey, AuthError> {
    let key = RsaPrivateKey::from_pkcs1_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem))
        .map_err(|_| {
            key_error(
                "not a PEM RSA private key (PKCS#1 \"RSA PRIVATE KEY\" or PKCS#8 \"PRIVATE KEY\")"
                    .into(),
            )
        })?;
    key.validate()
        .map_err(|e| key_error(format!("invalid RSA private key: {e}")))?;
    Ok(key)
}

fn generate_private_key() -> Result<RsaPrivateKey, AuthError> {
    let mut rng = RingRng::new();
    let key = RsaPrivateKey::new(&mut rng, GENERATED_KEY_BITS)
        .map_err(|e| key_error(format!("cannot generate an RSA key: {e}")))?;
    if rng.failed {
        return Err(key_error(
            "cannot generate an RSA key: the system random number generator failed".into(),
        ));
    }
    Ok(key)
}

/// [`RsaKeyPair::load_or_generate`] with the key generator as a parameter (tests reuse one key).
fn load_or_generate_with(
    dir: &Path,
    generate: impl FnOnce() -> Result<RsaPrivateKey, AuthError>,
) -> Result<RsaKeyPair, AuthError> {
    let private_path = dir.join(PRIVATE_KEY_FILE);
    let public_path = dir.join(PUBLIC_KEY_FILE);
    let has_private = exists(&private_path)?;
    let has_public = exists(&public_path)?;
    match (has_private, has_public) {
        (true, true) => load(&private_path, &public_path),
        (false, false) => {
            let pair = RsaKeyPair::from_private_key(generate()?)?;
            let private_pem = pair
                .private
                .to_pkcs1_pem(LineEnding::LF)
                .map_err(|e| key_error(format!("cannot encode the private key: {e}")))?;
            write_new(&private_path, private_pem.as_bytes(), true)?;
            write_new(&public_path, pair.public_pem.as_bytes(), false)?;
            tracing::info!(dir = %dir.display(), "generated RSA key pair for caching_sha2_password");
            Ok(pair)
        }
        (true, false) => Err(missing(&public_path, PRIVATE_KEY_FILE)),
        (false, true) => Err(missing(&private_path, PUBLIC_KEY_FILE)),
    }
}

fn missing(path: &Path, other: &str) -> AuthError {
    key_error(format!(
        "{} not found ({other} exists; provide both key files or neither)",
        path.display()
    ))
}

fn exists(path: &Path) -> Result<bool, AuthError> {
    path.try_exists().map_err(|e| io_error("access", path, &e))
}

fn load(private_path: &Path, public_path: &Path) -> Result<RsaKeyPair, AuthError> {
    let private_pem =
        fs::read_to_string(private_path).map_err(|e| io_error("read", private_path, &e))?;
    let private = parse_private_pem(&private_pem)
        .map_err(|e| key_error(format!("{}: {}", private_path.display(), reason(&e))))?;
    let public_pem =
        fs::read_to_string(public_path).map_err(|e| io_error("read", public_path, &e))?;
    let public = RsaPublicKey::from_public_key_pem(&public_pem).map_err(|_| {
        key_error(format!(
            "{}: not a PEM RSA public key (\"PUBLIC KEY\")",
            public_path.display()
        ))
    })?;
    if public != private.to_public_key() {
        return Err(key_error(format!(
            "{} is not the public key of {}",
            public_path.display(),
            private_path.display()
        )));
    }
    checked(private, public_pem)
}

fn reason(e: &AuthError) -> String {
    match e {
        AuthError::RsaKey(r) => r.clone(),
        other => other.to_string(),
    }
}

/// Creates `path` (never overwriting) and writes `data`; `private` files get mode 0600 on Unix.
fn write_new(path: &Path, data: &[u8], private: bool) -> Result<(), AuthError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options
        .open(path)
        .map_err(|e| io_error("create", path, &e))?;
    file.write_all(data)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error("write", path, &e))
}

/// `rand_core` 0.6 randomness from ring's `SystemRandom` (the OS generator), so the `rsa` crate
/// needs no `getrandom` feature. `fill_bytes` cannot report errors: a failure sets `failed`,
/// which every caller checks before using the result.
struct RingRng {
    sys: ring::rand::SystemRandom,
    failed: bool,
}

impl RingRng {
    fn new() -> Self {
        RingRng {
            sys: ring::rand::SystemRandom::new(),
            failed: false,
        }
    }
}

/// The `rand_core` error code for a failure of the system generator.
const RNG_FAILED: NonZeroU32 = match NonZeroU32::new(rand_core::Error::CUSTOM_START) {
    Some(code) => code,
    None => NonZeroU32::MIN,
};

impl RngCore for RingRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.try_fill_bytes(dest).is_err() {
            self.failed = true;
            dest.fill(0);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        ring::rand::SecureRandom::fill(&self.sys, dest)
            .map_err(|_| rand_core::Error::from(RNG_FAILED))
    }
}

impl CryptoRng for RingRng {}

/// One key for all tests of the crate: 2048-bit generation is slow in debug builds.
#[cfg(test)]
pub(crate) fn test_key() -> std::sync::Arc<RsaKeyPair> {
    use std::sync::{Arc, OnceLock};
    static KEY: OnceLock<Arc<RsaKeyPair>> = OnceLock::new();
    KEY.get_or_init(|| Arc::new(RsaKeyPair::generate().unwrap()))
        .clone()
}

/// What mysql_async sends: `RSA-OAEP(password ‖ NUL XOR nonce)`, with mysql_common's own code.
#[cfg(test)]
pub(crate) fn client_encrypt(password: &[u8], nonce: &[u8], public_pem: &str) -> Vec<u8> {
    let mut buf = password.to_vec();
    buf.push(0);
    for (i, b) in buf.iter_mut().enumerate() {
        *b ^= nonce[i % nonce.len()];
    }
    mysql_common::crypto::encrypt(&buf, public_pem.as_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::path::PathBuf;

    const NONCE: [u8; 20] = *b"0123456789abcdefghij";

    /// A fresh, empty directory under the system temp dir.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "myseal-auth-rsa-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn shared_private() -> RsaPrivateKey {
        test_key().private.clone()
    }

    #[test]
    fn generated_key_is_2048_bits_with_an_spki_public_pem() {
        let key = test_key();
        assert_eq!(key.ciphertext_len(), 256);
        let pem = key.public_key_pem();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
        assert!(pem.ends_with("-----END PUBLIC KEY-----\n"), "{pem}");
        assert!(pem.lines().all(|l| l.len() <= 64));
        let public = RsaPublicKey::from_public_key_pem(pem).unwrap();
        assert_eq!(public, key.private.to_public_key());
        assert_eq!(public.e(), &rsa::BigUint::from(65537u32));
    }

    #[test]
    fn decrypts_what_mysql_common_encrypts() {
        let key = test_key();
        for pw in [&b"pw"[..], b"", &[b'x'; 100], "pässwörd".as_bytes()] {
            let ct = client_encrypt(pw, &NONCE, key.public_key_pem());
            assert_eq!(ct.len(), 256);
            assert_eq!(key.decrypt_password(&ct, &NONCE).unwrap(), pw);
        }
    }

    #[test]
    fn decrypts_an_oaep_sha1_ciphertext_made_with_the_rsa_crate() {
        let key = test_key();
        let public = RsaPublicKey::from_public_key_pem(key.public_key_pem()).unwrap();
        let msg: Vec<u8> = b"secret\0"
            .iter()
            .zip(NONCE.iter().cycle())
            .map(|(a, b)| a ^ b)
            .collect();
        let ct = public
            .encrypt(&mut RingRng::new(), Oaep::new::<Sha1>(), &msg)
            .unwrap();
        assert_eq!(key.decrypt_password(&ct, &NONCE).unwrap(), b"secret");
    }

    #[test]
    fn password_without_nul_is_taken_whole_and_stops_at_the_first_nul() {
        let key = test_key();
        let public = RsaPublicKey::from_public_key_pem(key.public_key_pem()).unwrap();
        let enc = |plain: &[u8]| {
            let msg: Vec<u8> = plain
                .iter()
                .zip(NONCE.iter().cycle())
                .map(|(a, b)| a ^ b)
                .collect();
            public
                .encrypt(&mut RingRng::new(), Oaep::new::<Sha1>(), &msg)
                .unwrap()
        };
        assert_eq!(key.decrypt_password(&enc(b"abc"), &NONCE).unwrap(), b"abc");
        assert_eq!(
            key.decrypt_password(&enc(b"ab\0cd\0"), &NONCE).unwrap(),
            b"ab"
        );
    }

    #[test]
    fn bad_ciphertexts_and_nonces_give_none() {
        let key = test_key();
        let good = client_encrypt(b"pw", &NONCE, key.public_key_pem());
        assert!(key.decrypt_password(&good, &[]).is_none());
        assert!(key.decrypt_password(&[], &NONCE).is_none());
        assert!(key.decrypt_password(&good[1..], &NONCE).is_none());
        let mut longer = good.clone();
        longer.push(0);
        assert!(key.decrypt_password(&longer, &NONCE).is_none());
        assert!(key.decrypt_password(&[0x55; 256], &NONCE).is_none());
        assert!(key.decrypt_password(&[0xff; 256], &NONCE).is_none());
        assert!(key.decrypt_password(&[0; 256], &NONCE).is_none());
        let mut flipped = good.clone();
        flipped[100] ^= 1;
        assert!(key.decrypt_password(&flipped, &NONCE).is_none());
        // A different nonce decrypts, but to a different password.
        assert_ne!(
            key.decrypt_password(&good, b"another nonce 123456")
                .unwrap(),
            b"pw"
        );
    }

    #[test]
    fn from_pem_accepts_pkcs1_and_pkcs8_and_rejects_garbage() {
        let key = test_key();
        let pkcs1 = key.private.to_pkcs1_pem(LineEnding::LF).unwrap();
        assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        let pkcs8 =
            rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key.private, LineEnding::CRLF).unwrap();
        assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----"));
        for pem in [pkcs1.as_str(), pkcs8.as_str()] {
            let pair = RsaKeyPair::from_pem(pem).unwrap();
            assert_eq!(pair.public_key_pem(), key.public_key_pem());
        }
        for bad in ["", "hello", key.public_key_pem()] {
            let err = RsaKeyPair::from_pem(bad).unwrap_err();
            assert!(matches!(err, AuthError::RsaKey(_)), "{err:?}");
        }
    }

    #[test]
    fn load_or_generate_creates_files_then_reuses_them() {
        let dir = temp_dir("gen");
        let mut generated = 0;
        let first = load_or_generate_with(&dir, || {
            generated += 1;
            Ok(shared_private())
        })
        .unwrap();
        assert_eq!(generated, 1);
        let private_text = fs::read_to_string(dir.join(PRIVATE_KEY_FILE)).unwrap();
        let public_text = fs::read_to_string(dir.join(PUBLIC_KEY_FILE)).unwrap();
        assert!(private_text.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        assert_eq!(public_text, first.public_key_pem());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |f| fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(PRIVATE_KEY_FILE), 0o600);
            assert_eq!(mode(PUBLIC_KEY_FILE) & 0o600, 0o600);
            assert_eq!(
                mode(PUBLIC_KEY_FILE) & 0o022,
                0,
                "umask may only remove bits"
            );
        }

        let second = load_or_generate_with(&dir, || panic!("must not generate")).unwrap();
        assert_eq!(second.public_key_pem(), first.public_key_pem());
        let ct = client_encrypt(b"pw", &NONCE, second.public_key_pem());
        assert_eq!(first.decrypt_password(&ct, &NONCE).unwrap(), b"pw");
        // The public-facing loader takes the same files without generating.
        let third = RsaKeyPair::load_or_generate(&dir).unwrap();
        assert_eq!(third.public_key_pem(), first.public_key_pem());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn loaded_public_key_text_is_sent_verbatim() {
        let dir = temp_dir("verbatim");
        let key = test_key();
        let pkcs8 =
            rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key.private, LineEnding::LF).unwrap();
        fs::write(dir.join(PRIVATE_KEY_FILE), pkcs8.as_bytes()).unwrap();
        let crlf = key.public_key_pem().replace('\n', "\r\n");
        fs::write(dir.join(PUBLIC_KEY_FILE), &crlf).unwrap();
        let pair = RsaKeyPair::load_or_generate(&dir).unwrap();
        assert_eq!(pair.public_key_pem(), crlf);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_or_generate_refuses_a_lone_key_file_naming_the_missing_one() {
        let key = test_key();
        let dir = temp_dir("partial");
        fs::write(dir.join(PUBLIC_KEY_FILE), key.public_key_pem()).unwrap();
        let err = load_or_generate_with(&dir, || panic!("must not generate")).unwrap_err();
        assert!(err.to_string().contains(PRIVATE_KEY_FILE), "{err}");
        assert!(!dir.join(PRIVATE_KEY_FILE).exists());

        fs::remove_file(dir.join(PUBLIC_KEY_FILE)).unwrap();
        let pem = key.private.to_pkcs1_pem(LineEnding::LF).unwrap();
        fs::write(dir.join(PRIVATE_KEY_FILE), pem.as_bytes()).unwrap();
        let err = load_or_generate_with(&dir, || panic!("must not generate")).unwrap_err();
        assert!(err.to_string().contains(PUBLIC_KEY_FILE), "{err}");
        assert!(!dir.join(PUBLIC_KEY_FILE).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_or_generate_rejects_garbage_and_mismatched_files() {
        let key = test_key();
        let dir = temp_dir("bad");
        fs::write(dir.join(PRIVATE_KEY_FILE), "garbage").unwrap();
        fs::write(dir.join(PUBLIC_KEY_FILE), key.public_key_pem()).unwrap();
        let err = RsaKeyPair::load_or_generate(&dir).unwrap_err();
        assert!(err.to_string().contains(PRIVATE_KEY_FILE), "{err}");

        let pem = key.private.to_pkcs1_pem(LineEnding::LF).unwrap();
        fs::write(dir.join(PRIVATE_KEY_FILE), pem.as_bytes()).unwrap();
        fs::write(dir.join(PUBLIC_KEY_FILE), "-----BEGIN PUBLIC KEY-----\n").unwrap();
        let err = RsaKeyPair::load_or_generate(&dir).unwrap_err();
        assert!(err.to_string().contains(PUBLIC_KEY_FILE), "{err}");

        // A valid public key that belongs to another private key (a tiny, fixed one).
        let other = RsaPublicKey::new(
            rsa::BigUint::from(3233u64 * 65537 * 1_000_003),
            rsa::BigUint::from(65537u32),
        )
        .unwrap()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
        fs::write(dir.join(PUBLIC_KEY_FILE), other).unwrap();
        let err = RsaKeyPair::load_or_generate(&dir).unwrap_err();
        assert!(
            err.to_string().contains("is not the public key of"),
            "{err}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_or_generate_reports_a_missing_directory() {
        let dir = temp_dir("gone");
        fs::remove_dir_all(&dir).unwrap();
        let err = load_or_generate_with(&dir, || Ok(shared_private())).unwrap_err();
        assert!(matches!(err, AuthError::RsaKey(_)));
        assert!(err.to_string().contains("cannot create"), "{err}");
    }

    #[test]
    fn public_pem_parses_with_mysql_commons_key_reader() {
        let key = test_key();
        let public = mysql_common::crypto::rsa::PublicKey::from_pem(key.public_key_pem());
        assert_eq!(public.num_octets(), 256);
        assert_eq!(
            public.modulus().to_bytes_be(),
            key.private.n().to_bytes_be()
        );
    }

    #[test]
    fn debug_output_hides_the_key() {
        let text = format!("{:?}", test_key());
        assert_eq!(text, "RsaKeyPair { bits: 2048, .. }");
    }
}
