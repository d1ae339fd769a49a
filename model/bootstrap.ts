// First contact (`npm run bootstrap`): what the card's first user runs as root to make the deploy
// user, and the sudoers rule that user gets. Pure: cli/bootstrap.ts sends these over SSH.

/**
 * The commands deskcluster's converge scripts run as root (`sudo CMD`, rendered by boardScripts.ts,
 * swarmScripts.ts, serviceScripts.ts, rollChecks.ts, healthConfig.ts and the providers). A list rather
 * than `ALL` so the rule says what deskcluster does and a stray `sudo` elsewhere needs a password; it is
 * not a sandbox: docker, curl (the Engine API's socket), apt-get, tee, install, cp and sed can each write any file as root, so the deploy
 * key stays root-equivalent. tests/bootstrap.test.ts fails when a script starts using a command not here.
 */
export const sudoCommands: readonly string[] = [
  "docker", "systemctl", "mkdir", "usermod", "touch", "tee", "sed", "nmcli", "install", "hostnamectl", "hostname", "cp", "chown", "apt-get",
  "swapoff", "sysctl", "curl",
];

/** Where commands are looked up on the board: sudo's secure_path on Debian, so the rule names what sudo runs. */
const systemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export const userNamePattern = /^[a-z_][a-z0-9_-]{0,31}$/;
export const publicKeyPattern = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( .*)?$/;

export const sudoersPath = (user: string): string => `/etc/sudoers.d/020_deskcluster-${user}`;

const quoted = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function checkUser(user: string): void {
  if (!userNamePattern.test(user)) throw new Error(`deploy user ${JSON.stringify(user)}: not a Linux user name (${userNamePattern})`);
}

/** Each command's absolute path as resolved on the board, `, `-separated, in shell variable `paths`. */
const eachCommandPath = [
  `for c in ${sudoCommands.join(" ")}; do`,
  `  p=$(PATH=${systemPath} command -v "$c" || echo "/usr/bin/$c")`,
  `  case "$p" in /*) ;; *) p="/usr/bin/$c" ;; esac`,
];
const resolvePaths = [
  `paths=""`,
  ...eachCommandPath,
  `  paths="$paths\${paths:+, }$p"`,
  `done`,
];

/**
 * Run as root (`sudo bash -s`, script on stdin). Creates the deploy user if missing, adds the key line to its
 * authorized_keys (other lines kept), installs the sudoers rule (checked by visudo before it is installed,
 * replaced only when it differs). Last line: `created=0|1 key=0|1 sudoers=0|1`. BOOTSTRAP_ROOT prefixes every
 * path it reads or writes, for the tests; on a board it is empty.
 */
export function bootstrapScript(opts: { deployUser: string; publicKey: string }): string {
  const user = opts.deployUser;
  const key = opts.publicKey.trim();
  checkUser(user);
  if (!publicKeyPattern.test(key)) throw new Error(`deploy public key: not an OpenSSH public key line (ssh-ed25519, ssh-rsa or ecdsa)`);
  const [type, blob] = key.split(" ");
  const target = `"$R"${quoted(sudoersPath(user))}`;
  return [
    "set -eu",
    `R="\${BOOTSTRAP_ROOT:-}"`,
    `user=${quoted(user)}`,
    `key=${quoted(key)}`,
    "created=0 keyed=0 sudoers=0",
    `if ! getent passwd "$user" >/dev/null; then useradd -m -s /bin/bash -U "$user"; created=1; fi`,
    `home=$(getent passwd "$user" | cut -d: -f6)`,
    `case "$home" in /*) ;; *) echo "bootstrap: user $user has no home directory" >&2; exit 1 ;; esac`,
    `ssh="$R$home/.ssh" auth="$R$home/.ssh/authorized_keys"`,
    `[ -d "$ssh" ] || { install -d -m 700 "$ssh"; keyed=1; }`,
    `[ "$(stat -c %a "$ssh")" = 700 ] || { chmod 700 "$ssh"; keyed=1; }`,
    `[ -e "$auth" ] || { : > "$auth"; keyed=1; }`,
    // Matched on type and blob: a comment or options on an existing line do not make a second copy.
    `if ! awk -v t=${quoted(type)} -v b=${quoted(blob)} '{for (i = 1; i < NF; i++) if ($i == t && $(i + 1) == b) f = 1} END {exit !f}' "$auth"; then`,
    `  if [ -s "$auth" ] && [ -n "$(tail -c 1 "$auth")" ]; then echo >> "$auth"; fi`,
    `  printf '%s\\n' "$key" >> "$auth"; keyed=1`,
    "fi",
    `[ "$(stat -c %a "$auth")" = 600 ] || { chmod 600 "$auth"; keyed=1; }`,
    // `user:` is the user and its login group; as root this is a no-op when they own both already.
    `chown "$user:" "$ssh" "$auth"`,
    ...resolvePaths,
    `[ -d "$R/etc/sudoers.d" ] || { echo "bootstrap: no /etc/sudoers.d on this board" >&2; exit 1; }`,
    // A name with a dot is skipped by sudo's includedir: the half-written file is never read as a rule.
    `tmp=$(mktemp "$R/etc/sudoers.d/.deskcluster.XXXXXX")`,
    `trap 'rm -f "$tmp"' EXIT`,
    `{ echo "# deskcluster bootstrap: the commands its converge scripts run as root (model/bootstrap.ts)"`,
    `  echo "Defaults:$user !requiretty"`,
    `  echo "$user ALL=(root) NOPASSWD:SETENV: $paths"; } > "$tmp"`,
    `if ! cmp -s "$tmp" ${target}; then`,
    `  visudo -cf "$tmp" >&2 || { echo "bootstrap: visudo refused the sudoers rule; nothing installed" >&2; exit 1; }`,
    `  chmod 0440 "$tmp"; mv -f "$tmp" ${target}; sudoers=1`,
    `elif [ "$(stat -c %a ${target})" != 440 ]; then chmod 0440 ${target}; sudoers=1`,
    "fi",
    `echo "created=$created key=$keyed sudoers=$sudoers"`,
    "",
  ].join("\n");
}

/**
 * Run as the deploy user: exit 0 when sudo's own listing of what it grants (`sudo -n -l`, no password) names every
 * command of the rule at the path the rule would name. Listed, not run: docker is not installed before the first
 * `pulumi up`, and `sudo -l CMD` fails for a command that is missing. The sudoers file itself is root's to read.
 */
export function sudoCheckScript(): string {
  return [
    `granted=$(sudo -n -l 2>/dev/null) || { echo "sudo -n -l wants a password" >&2; exit 1; }`,
    ...eachCommandPath,
    `  case "$granted" in *"$p,"* | *"$p") ;; *) echo "sudo does not grant $p" >&2; exit 1 ;; esac`,
    `done`,
    "",
  ].join("\n");
}

export interface BootstrapOutcome { created: boolean; key: boolean; sudoers: boolean }

/** The script's last line; undefined when it did not get that far. */
export function parseBootstrapOutcome(stdout: string): BootstrapOutcome | undefined {
  const m = /created=([01]) key=([01]) sudoers=([01])\s*$/.exec(stdout);
  return m ? { created: m[1] === "1", key: m[2] === "1", sudoers: m[3] === "1" } : undefined;
}

/** The commands a script runs through sudo: the word after `sudo`, its options (-n, -S, -p '') and env assignments. */
export function sudoCommandsUsed(script: string): string[] {
  const found = new Set<string>();
  const sudo = /(?<![\w.-])sudo((?:\s+-[A-Za-z]+(?:\s+''|\s+'[^']*')?)*)((?:\s+[A-Za-z_][A-Za-z0-9_]*=[^\s;]*)*)\s+([^\s;|&)]+)/g;
  for (const m of script.matchAll(sudo)) found.add(m[3]);
  return [...found].sort();
}
