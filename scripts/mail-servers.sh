#!/usr/bin/env bash
# Starts (idempotently) the real mail servers the email channel is tested against, on
# loopback only: Dovecot serving IMAP and accepting LMTP deliveries into Maildirs, and
# OpenSMTPD accepting SMTP and delivering every recipient through Dovecot's LMTP. Any
# address is a mailbox; every mailbox's IMAP password is "secreto".
#
#   bash scripts/mail-servers.sh start    # no-op when already listening
#   bash scripts/mail-servers.sh stop
#
# Ports: CHARLA_MAIL_SMTP_PORT (2525), CHARLA_MAIL_IMAP_PORT (1143), CHARLA_MAIL_LMTP_PORT
# (2424); state in CHARLA_MAIL_DIR (/tmp/charla-mail). Installed by scripts/setup.sh (step mail).
set -euo pipefail

smtp_port="${CHARLA_MAIL_SMTP_PORT:-2525}"
imap_port="${CHARLA_MAIL_IMAP_PORT:-1143}"
lmtp_port="${CHARLA_MAIL_LMTP_PORT:-2424}"
dir="${CHARLA_MAIL_DIR:-/tmp/charla-mail}"

say() { printf 'mail-servers: %s\n' "$*"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop() {
  if [ -f "$dir/dovecot.conf" ]; then doveadm -c "$dir/dovecot.conf" stop >/dev/null 2>&1 || true; fi
  if [ -f "$dir/smtpd.pid" ]; then kill "$(cat "$dir/smtpd.pid")" 2>/dev/null || true; rm -f "$dir/smtpd.pid"; fi
}

start() {
  command -v dovecot >/dev/null && command -v smtpd >/dev/null \
    || { say "dovecot or smtpd missing: run CHARLA_SETUP_ONLY=mail bash scripts/setup.sh"; exit 1; }
  if listening "$smtp_port" && listening "$imap_port"; then
    say "already listening (SMTP $smtp_port, IMAP $imap_port)"
    return 0
  fi
  stop
  mkdir -p "$dir/run" "$dir/mail"
  chmod 0777 "$dir/mail"
  cat >"$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/run
log_path = $dir/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$dir/mail/%u
default_login_user = dovenull
default_internal_user = dovecot
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
passdb {
  driver = static
  args = password=secreto
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dir/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}
CONF
  cat >"$dir/smtpd.conf" <<CONF
table vusers { "@" = "nobody" }
listen on 127.0.0.1 port $smtp_port
action "dovecot" lmtp "127.0.0.1:$lmtp_port" rcpt-to virtual <vusers>
match from any for any action "dovecot"
CONF
  chmod 0644 "$dir/smtpd.conf"
  dovecot -c "$dir/dovecot.conf" </dev/null >/dev/null 2>&1
  smtpd -d -f "$dir/smtpd.conf" </dev/null >"$dir/smtpd.log" 2>&1 &
  echo $! >"$dir/smtpd.pid"
  for _ in $(seq 1 50); do
    if listening "$smtp_port" && listening "$imap_port"; then
      say "listening: SMTP 127.0.0.1:$smtp_port (OpenSMTPD), IMAP 127.0.0.1:$imap_port (Dovecot)"
      return 0
    fi
    sleep 0.2
  done
  say "did not start; logs: $dir/dovecot.log $dir/smtpd.log"
  tail -n 20 "$dir/dovecot.log" "$dir/smtpd.log" 2>/dev/null || true
  exit 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
