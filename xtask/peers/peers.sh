#!/usr/bin/env bash
# Private mail peers for `cargo xtask interop`, on loopback only, touching no system configuration:
# Dovecot (IMAP, POP3) and Postfix (SMTP), one user `alice` / `secret` with a Maildir.
#   peers.sh install        apt-get the Debian packages if they are missing
#   peers.sh start DIR      write configs under DIR and start both daemons
#   peers.sh stop DIR       stop what `start DIR` started, and remove DIR
# Needs root: run as root, or as a user with passwordless sudo (the script re-runs itself under
# `sudo -n`). Ports come from MW_IMAP_PORT, MW_POP3_PORT, MW_SMTP_PORT (defaults 11143, 11110,
# 12525). `install` refuses to replace another mail server (exim4, ...) that installing Postfix
# would remove, unless MW_PEERS_REPLACE_MTA=1; the system services of the packages it installs
# are never started (policy-rc.d) and are left disabled.
set -euo pipefail
cmd=${1:?usage: peers.sh install|start DIR|stop DIR}
IMAP_PORT=${MW_IMAP_PORT:-11143}
POP3_PORT=${MW_POP3_PORT:-11110}
SMTP_PORT=${MW_SMTP_PORT:-12525}
OWNER=65534   # nobody:nogroup owns the mail, so no user account has to be created

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n env MW_IMAP_PORT="$IMAP_PORT" MW_POP3_PORT="$POP3_PORT" \
      MW_SMTP_PORT="$SMTP_PORT" MW_PEERS_REPLACE_MTA="${MW_PEERS_REPLACE_MTA:-}" \
      bash "$0" "$@"
  fi
  echo "peers.sh: needs root or passwordless sudo (apt-get, chown, starting the daemons)" >&2
  exit 1
fi

# Debian packages and the command each provides (the command alone is not proof: dovecot-core
# gives `dovecot` without the POP3 server).
PACKAGES=(dovecot-imapd dovecot-pop3d postfix openssl isync python3)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

apt() {
  DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3 "$@"
}

install() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    local c
    for c in dovecot postfix openssl mbsync python3; do
      command -v "$c" >/dev/null || { echo "peers.sh: $c missing and no dpkg/apt here" >&2; exit 1; }
    done
    return 0
  fi
  local need=() p
  for p in "${PACKAGES[@]}"; do installed "$p" || need+=("$p"); done
  [ ${#need[@]} -eq 0 ] && return 0
  local i
  for i in 1 2 3; do
    apt update -qq >/dev/null && break
    [ "$i" = 3 ] && { echo "peers.sh: apt-get update failed" >&2; exit 1; }
    sleep $((i * 15))
  done
  # Installing Postfix removes any other mail transport agent: not behind anyone's back.
  local removed
  removed=$(apt install -s --no-install-recommends "${need[@]}" 2>/dev/null |
    sed -n 's/^Remv \([^ ]*\).*/\1/p' | tr '\n' ' ')
  if [ -n "$removed" ] && [ "${MW_PEERS_REPLACE_MTA:-}" != 1 ]; then
    echo "peers.sh: installing ${need[*]} would remove: $removed(set MW_PEERS_REPLACE_MTA=1 to allow)" >&2
    exit 1
  fi
  # The packages' own services are not ours to run: keep them from starting at all.
  local made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ -n "$made_policy" ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
  local unit
  for unit in dovecot postfix; do
    case " ${need[*]} " in *" $unit"*) ;; *) continue ;; esac
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      systemctl disable --now "$unit" >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
      service "$unit" stop >/dev/null 2>&1 || true
      if command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d "$unit" disable >/dev/null 2>&1 || true
      fi
    fi
  done
}

start() {
  local d=$1
  rm -rf "$d"
  mkdir -p "$d"/{run,state,mail/alice/Maildir/{cur,new,tmp},pf/etc,pf/spool,pf/data}
  chown -R $OWNER:$OWNER "$d/mail"
  chown postfix "$d/pf/data"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=peers.mailwire.test" \
    -keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1
  chmod 644 "$d/key.pem"
  echo "alice:{PLAIN}secret:$OWNER:$OWNER::$d/mail/alice" > "$d/users"

  # Dovecot first: Postfix authenticates through its socket.
  cat > "$d/dovecot.conf" <<CONF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 apop
mail_location = maildir:~/Maildir
first_valid_uid = 100
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $d/users
}
userdb {
  driver = passwd-file
  args = username_format=%n $d/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
service auth {
  unix_listener $d/pf/spool/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
  mkdir -p "$d/pf/spool/private"
  dovecot -c "$d/dovecot.conf" </dev/null >>"$d/start.log" 2>&1
  for _ in $(seq 100); do [ -S "$d/pf/spool/private/auth" ] && break; sleep 0.05; done

  cp /etc/postfix/master.cf "$d/pf/etc/master.cf"
  cp /etc/postfix/dynamicmaps.cf "$d/pf/etc/" 2>/dev/null || true
  cp -r /etc/postfix/dynamicmaps.cf.d "$d/pf/etc/" 2>/dev/null || true
  cat > "$d/pf/etc/main.cf" <<CONF
compatibility_level = 3.6
config_directory = $d/pf/etc
queue_directory = $d/pf/spool
data_directory = $d/pf/data
mail_owner = postfix
setgid_group = postdrop
myhostname = peers.mailwire.test
mydomain = mailwire.test
myorigin = mailwire.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = $d/postfix.log
maillog_file_prefixes = /tmp, /var, $d
alias_maps =
alias_database =
virtual_mailbox_domains = mailwire.test
virtual_mailbox_base = $d/mail
virtual_mailbox_maps = texthash:$d/pf/etc/vmailbox
virtual_uid_maps = static:$OWNER
virtual_gid_maps = static:$OWNER
virtual_minimum_uid = 100
smtputf8_enable = yes
relayhost =
default_transport = error:no outbound delivery from the interop peers
smtpd_tls_cert_file = $d/cert.pem
smtpd_tls_key_file = $d/key.pem
smtpd_tls_security_level = may
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
CONF
  echo "alice@mailwire.test alice/Maildir/" > "$d/pf/etc/vmailbox"
  sed -i -E "s/^smtp[[:space:]]+inet[[:space:]]/127.0.0.1:${SMTP_PORT} inet /" "$d/pf/etc/master.cf"
  grep -q '^postlog' "$d/pf/etc/master.cf" ||
    echo 'postlog   unix-dgram n  -       n       -       1       postlogd' >> "$d/pf/etc/master.cf"
  postfix -c "$d/pf/etc" set-permissions >/dev/null 2>&1 || true
  postfix -c "$d/pf/etc" start </dev/null >>"$d/start.log" 2>&1
  for port in "$IMAP_PORT" "$POP3_PORT" "$SMTP_PORT"; do
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  done
}

stop() {
  local d=$1
  if [ -f "$d/pf/etc/main.cf" ]; then
    postfix -c "$d/pf/etc" stop >/dev/null 2>&1 || true
  fi
  if [ -f "$d/run/master.pid" ]; then
    kill "$(cat "$d/run/master.pid")" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$(cat "$d/run/master.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.05; done
  fi
  # The folder is root's (it may hold what sudo made): remove it here, if it is one of ours.
  [ -f "$d/dovecot.conf" ] && rm -rf "$d"
  return 0
}

case $cmd in
  install) install ;;
  start) start "${2:?start needs a folder}" ;;
  stop) stop "${2:?stop needs a folder}" ;;
  *) echo "usage: peers.sh install|start DIR|stop DIR" >&2; exit 2 ;;
esac
