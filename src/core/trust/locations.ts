// Where operating systems keep their trusted roots (data: adding a distribution is adding a row).

/** Linux and BSD CA bundles, first existing wins (they hold the same store in different layouts). */
export const LINUX_BUNDLE_FILES: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Gentoo, Arch
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // RHEL, Fedora, CentOS 7+
  '/etc/pki/tls/certs/ca-bundle.crt', // RHEL, Fedora (older layout)
  '/var/lib/ca-certificates/ca-bundle.pem', // openSUSE, SLES
  '/etc/ssl/ca-bundle.pem', // openSUSE (older)
  '/etc/ssl/cert.pem', // Alpine, macOS/BSD OpenSSL
];

/** Hashed directories, read only when no bundle file exists. */
export const LINUX_CERT_DIRS: readonly string[] = ['/etc/ssl/certs', '/etc/pki/tls/certs'];

export const MACOS_KEYCHAINS: readonly string[] = [
  '/System/Library/Keychains/SystemRootCertificates.keychain',
  '/Library/Keychains/System.keychain',
  // The login keychain: `security` resolves it relative to the user's home.
  '~/Library/Keychains/login.keychain-db',
];

/** Windows stores exported with PowerShell (no native module: the VSIX stays platform-neutral). */
export const WINDOWS_STORES: readonly string[] = ['Cert:\\LocalMachine\\Root', 'Cert:\\LocalMachine\\CA', 'Cert:\\CurrentUser\\Root'];
