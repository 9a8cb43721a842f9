//! The server's TLS material and caching_sha2_password RSA key pair: loading them at start
//! (files, auto-generated files, or certificates generated in memory), the slot new connections
//! take their TLS context from, and what `ALTER INSTANCE RELOAD TLS` loads into it.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use myseal_auth::rsa_keys::RsaKeyPair;
use myseal_tls::{MemoryCerts, TlsContext, TlsFault, TlsPem, TlsSettings};

use crate::{ServerError, TlsOptions};

/// The TLS context new connections get. `ALTER INSTANCE RELOAD TLS` (and
/// [`crate::Server::reload_tls`], which the binary calls on SIGHUP) loads a new one and swaps it
/// in; established connections keep the one they started with.
#[derive(Debug, Default)]
pub(crate) struct TlsSlot {
    current: RwLock<Option<Arc<TlsContext>>>,
    /// The server's in-memory certificate and key, when it has no files: what a reload loads
    /// while `ssl_cert` and `ssl_key` are empty.
    memory: Option<TlsPem>,
    /// Kept across reloads: the `ssl_*` variables do not carry it.
    require_client_cert: bool,
}

impl TlsSlot {
    pub(crate) fn new(
        ctx: Option<Arc<TlsContext>>,
        memory: Option<TlsPem>,
        require_client_cert: bool,
    ) -> TlsSlot {
        TlsSlot {
            current: RwLock::new(ctx),
            memory,
            require_client_cert,
        }
    }

    pub(crate) fn get(&self) -> Option<Arc<TlsContext>> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set(&self, ctx: Option<Arc<TlsContext>>) {
        match self.current.write() {
            Ok(mut guard) => *guard = ctx,
            Err(poisoned) => *poisoned.into_inner() = ctx,
        }
    }

    /// What the variables name: their files, or, on a server with in-memory certificates whose
    /// `ssl_cert` and `ssl_key` are still empty, that in-memory material again (a fresh context:
    /// TLS sessions of the old one no longer resume, as after any reload).
    fn load(&self, files: &myseal_engine::TlsFiles) -> Result<TlsContext, String> {
        if let Some(pem) = &self.memory {
            if files.cert.is_empty() && files.key.is_empty() {
                if !(files.ca.is_empty() && files.crl.is_empty() && files.crlpath.is_empty()) {
                    return Err("this server's certificate and key are in memory; ssl_ca, \
                                ssl_crl and ssl_crlpath apply to files named by ssl_cert and \
                                ssl_key"
                        .to_owned());
                }
                return TlsContext::from_pem(pem, self.require_client_cert)
                    .map_err(|e| e.to_string());
            }
        }
        let path = |p: &str| (!p.is_empty()).then(|| PathBuf::from(p));
        let settings = TlsSettings {
            cert: PathBuf::from(&files.cert),
            key: PathBuf::from(&files.key),
            ca: path(&files.ca),
            crl: path(&files.crl),
            crlpath: path(&files.crlpath),
            require_client_cert: self.require_client_cert,
        };
        TlsContext::load(&settings).map_err(|e| e.to_string())
    }
}

impl myseal_engine::TlsReload for TlsSlot {
    fn reload_tls(
        &self,
        files: &myseal_engine::TlsFiles,
        rollback_on_error: bool,
    ) -> Result<(), String> {
        match self.load(files) {
            Ok(ctx) => {
                tracing::info!(?files, "TLS reloaded for new connections");
                self.set(Some(Arc::new(ctx)));
                Ok(())
            }
            Err(e) => {
                tracing::warn!("TLS reload failed: {e}");
                if !rollback_on_error {
                    self.set(None);
                }
                Err(e)
            }
        }
    }
}

/// The TLS state a server starts with.
pub(crate) struct LoadedTls {
    pub(crate) ctx: Option<Arc<TlsContext>>,
    /// The certificates generated in memory ([`TlsOptions::in_memory`]).
    pub(crate) memory: Option<Arc<MemoryCerts>>,
    /// The generated CA (certificate and key PEM) TLS faults are issued from, read only when
    /// faults are asked for.
    pub(crate) fault_ca: Option<(String, String)>,
}

/// What a port presents instead of a correct TLS setup (`--tls-fault`, `--tls-fault-port`).
#[derive(Debug)]
pub(crate) struct PortFault {
    pub(crate) fault: TlsFault,
    /// The faulty TLS context; `None` for faults that offer no TLS.
    pub(crate) tls: Option<Arc<TlsContext>>,
}

fn wants_faults(opts: &TlsOptions) -> bool {
    opts.fault.is_some() || !opts.fault_ports.is_empty()
}

/// The faults that need a CA (every fault that serves TLS).
fn wants_fault_ca(opts: &TlsOptions) -> bool {
    opts.fault
        .into_iter()
        .chain(opts.fault_ports.iter().map(|(f, _)| *f))
        .any(TlsFault::offers_tls)
}

/// Builds a fault's TLS context from the generated CA.
pub(crate) fn port_fault(
    fault: TlsFault,
    ca: Option<&(String, String)>,
) -> Result<PortFault, ServerError> {
    let tls = match ca {
        Some((cert, key)) => myseal_tls::fault_context(fault, cert, key)?,
        None if fault.offers_tls() => {
            return Err(ServerError::Config(format!(
                "--tls-fault {fault} needs the generated certificates (no --ssl-cert/--ssl-key)"
            )))
        }
        None => None,
    };
    Ok(PortFault {
        fault,
        tls: tls.map(Arc::new),
    })
}

/// Resolves the TLS options into a loaded context: the given files, dev certificates generated
/// into `certs_dir` when none are given, or dev certificates generated in memory.
pub(crate) fn load(opts: &TlsOptions) -> Result<LoadedTls, ServerError> {
    if !opts.enabled {
        if opts.require_client_cert {
            return Err(ServerError::Config(
                "requiring client certificates needs TLS".into(),
            ));
        }
        if wants_fault_ca(opts) {
            return Err(ServerError::Config(
                "TLS faults that present certificates need TLS (drop --skip-ssl)".into(),
            ));
        }
        return Ok(LoadedTls {
            ctx: None,
            memory: None,
            fault_ca: None,
        });
    }
    if opts.in_memory {
        let files = [&opts.cert, &opts.key, &opts.ca, &opts.crl, &opts.crlpath];
        if files.iter().any(|f| f.is_some()) {
            return Err(ServerError::Config(
                "in-memory certificates exclude --ssl-cert, --ssl-key, --ssl-ca, --ssl-crl and \
                 --ssl-crlpath"
                    .into(),
            ));
        }
        let memory = MemoryCerts::generate()?;
        let ctx = TlsContext::from_pem(&memory.server_pem(), opts.require_client_cert)?;
        let fault_ca = wants_faults(opts).then(|| (memory.ca_cert.clone(), memory.ca_key.clone()));
        return Ok(LoadedTls {
            ctx: Some(Arc::new(ctx)),
            memory: Some(Arc::new(memory)),
            fault_ca,
        });
    }
    let mut fault_ca = None;
    let settings = match (&opts.cert, &opts.key) {
        (Some(cert), Some(key)) => TlsSettings {
            cert: cert.clone(),
            key: key.clone(),
            ca: opts.ca.clone(),
            crl: opts.crl.clone(),
            crlpath: opts.crlpath.clone(),
            require_client_cert: opts.require_client_cert,
        },
        (None, None) => {
            let dev = myseal_tls::ensure_dev_certs(&opts.certs_dir)?;
            if wants_faults(opts) {
                let read = |p: &std::path::Path| {
                    std::fs::read_to_string(p).map_err(|e| {
                        ServerError::Config(format!(
                            "--tls-fault: cannot read {}: {e}",
                            p.display()
                        ))
                    })
                };
                fault_ca = Some((read(&dev.ca_cert)?, read(&dev.ca_key)?));
            }
            TlsSettings {
                cert: dev.server_cert,
                key: dev.server_key,
                ca: Some(opts.ca.clone().unwrap_or(dev.ca_cert)),
                crl: opts.crl.clone(),
                crlpath: opts.crlpath.clone(),
                require_client_cert: opts.require_client_cert,
            }
        }
        _ => {
            return Err(ServerError::Config(
                "--ssl-cert and --ssl-key must be given together".into(),
            ))
        }
    };
    Ok(LoadedTls {
        ctx: Some(Arc::new(TlsContext::load(&settings)?)),
        memory: None,
        fault_ca,
    })
}

/// Where caching_sha2_password's RSA key pair comes from.
#[derive(Debug)]
pub(crate) enum RsaKeys {
    /// `private_key.pem`/`public_key.pem` of the certificate directory, loaded or generated at
    /// start; `None` when that failed (plain-TCP full authentication is then refused, as MySQL
    /// does without keys).
    Files(Option<Arc<RsaKeyPair>>),
    /// One in-memory key pair for the whole process, generated on first use: a 2048-bit RSA
    /// key generation costs far more than starting a test server, and most test servers are
    /// only reached over TLS, where the pair is never used.
    ProcessWide,
}

impl RsaKeys {
    /// The key pair, generating the process-wide one if this is its first use.
    pub(crate) fn get(&self) -> Option<Arc<RsaKeyPair>> {
        match self {
            RsaKeys::Files(keys) => keys.clone(),
            RsaKeys::ProcessWide => process_wide_rsa_keys(),
        }
    }

    /// The key pair a connection's authentication may use: the process-wide pair is only
    /// generated for a plain connection that may reach full authentication (over TLS, or while
    /// `require_secure_transport` refuses plain connections first, the pair is never read).
    pub(crate) fn for_connection(
        &self,
        secure: bool,
        require_secure: bool,
    ) -> Option<Arc<RsaKeyPair>> {
        match self {
            RsaKeys::ProcessWide if secure || require_secure => None,
            keys => keys.get(),
        }
    }

    /// Whether getting the pair is cheap (no key generation pending).
    pub(crate) fn is_ready(&self) -> bool {
        match self {
            RsaKeys::Files(_) => true,
            RsaKeys::ProcessWide => PROCESS_WIDE.get().is_some(),
        }
    }
}

static PROCESS_WIDE: OnceLock<Option<Arc<RsaKeyPair>>> = OnceLock::new();

fn process_wide_rsa_keys() -> Option<Arc<RsaKeyPair>> {
    PROCESS_WIDE
        .get_or_init(|| match RsaKeyPair::generate() {
            Ok(keys) => Some(Arc::new(keys)),
            Err(e) => {
                tracing::warn!(
                    "{e}; caching_sha2_password full authentication without TLS is disabled"
                );
                None
            }
        })
        .clone()
}

/// The key pair of a server with certificate files: `private_key.pem`/`public_key.pem` next to
/// the certificates, like MySQL's caching_sha2_password_auto_generate_rsa_keys; without them
/// plain-TCP full authentication is refused (MySQL logs and goes on).
pub(crate) fn rsa_keys(opts: &TlsOptions) -> RsaKeys {
    if opts.in_memory {
        return RsaKeys::ProcessWide;
    }
    let keys = std::fs::create_dir_all(&opts.certs_dir)
        .map_err(|e| format!("cannot create {}: {e}", opts.certs_dir.display()))
        .and_then(|()| RsaKeyPair::load_or_generate(&opts.certs_dir).map_err(|e| e.to_string()));
    match keys {
        Ok(k) => RsaKeys::Files(Some(Arc::new(k))),
        Err(e) => {
            tracing::warn!(
                "{e}; caching_sha2_password full authentication without TLS is disabled"
            );
            RsaKeys::Files(None)
        }
    }
}
