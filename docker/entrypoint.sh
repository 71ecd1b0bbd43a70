#!/bin/sh
# The image's entrypoint: make the data folder writable for the referent user, pick up a mounted
# configuration, then run the command (default `referent serve`) as that user.
#
# As root (the default): a host folder bound on /data belongs to whoever made it on the host, so its
# owner is set to referent (uid 10001) when referent cannot write there; then root is dropped.
# Started with `--user`: nothing can be chowned, so an unwritable /data stops here with what to do.
set -eu
data="${REFERENT_DATA_DIR:-/data}"
user="${REFERENT_USER:-referent}"
if [ -z "${REFERENT_CONFIG:-}" ] && [ -f /config/referent.toml ]; then
  export REFERENT_CONFIG=/config/referent.toml
fi
if [ "$(id -u)" = "0" ]; then
  uid="$(id -u "$user")"
  gid="$(id -g "$user")"
  mkdir -p "$data"
  if ! setpriv --reuid="$uid" --regid="$gid" --init-groups test -w "$data"; then
    echo "referent-entrypoint: $data is not writable by $user (uid $uid); setting its owner to $uid:$gid" >&2
    chown "$uid:$gid" "$data"
    for f in "$data"/*.db "$data"/*.db-wal "$data"/*.db-shm; do
      [ -e "$f" ] && chown "$uid:$gid" "$f"
    done
  fi
  exec setpriv --reuid="$uid" --regid="$gid" --init-groups "$@"
fi
if [ ! -w "$data" ]; then
  echo "referent-entrypoint: $data is not writable by uid $(id -u)." >&2
  echo "  Let the container fix it (start it without --user), or on the host: chown $(id -u) <the folder bound on $data>." >&2
  exit 1
fi
exec "$@"
