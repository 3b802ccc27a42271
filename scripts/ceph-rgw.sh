#!/usr/bin/env bash
# Start / stop a throw-away Ceph cluster with the RADOS Gateway (radosgw), a real S3 server that
# implements POST Object (browser-based uploads), which Swift's s3api does not.
#
#   scripts/ceph-rgw.sh start DIR   # install packages if needed, configure, start, wait, write DIR/env
#   scripts/ceph-rgw.sh stop DIR    # stop exactly the processes started above
#
# One monitor, one OSD on memstore (RAM, 1 GiB), cephx off, no manager, everything bound to
# 127.0.0.1 on free ports. Starting takes about 15 s. After `start`, `. DIR/env` exports:
#   URLMINT_TEST_RGW_ENDPOINT    http://127.0.0.1:PORT (path-style addressing)
#   URLMINT_TEST_RGW_ACCESS_KEY  / URLMINT_TEST_RGW_SECRET_KEY  an S3 user made for the test
#   URLMINT_TEST_RGW_REGION      us-east-1 (radosgw's default zonegroup accepts it)
set -euo pipefail

PACKAGES=(ceph-mon ceph-osd radosgw)
ACCESS_KEY=URLMINTRGWTESTKEY0001
SECRET_KEY=urlmint-rgw-test-secret-not-a-real-key
START_TIMEOUT=${URLMINT_RGW_START_TIMEOUT:-90}

die() { echo "ceph-rgw: error: $*" >&2; exit 1; }
log() { echo "ceph-rgw: $*" >&2; }
usage() { echo "usage: $0 start DIR | stop DIR" >&2; exit 2; }

ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "packages missing (${missing[*]}) and not root to install them"
    log "installing ${missing[*]} (about 290 MB) ..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends \
        "${missing[@]}" >"$DIR/apt.log" 2>&1 || { tail -n 20 "$DIR/apt.log" >&2; die "apt-get install failed"; }
}

free_ports() {  # prints N free TCP ports on 127.0.0.1
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# Whether PID is one of ours: alive and started with this DIR's config file.
is_ours() {
    [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$DIR/ceph.conf"
}

ceph_cli() { timeout 20 ceph -c "$DIR/ceph.conf" "$@"; }

osd_is_up() { timeout 20 ceph -c "$DIR/ceph.conf" osd stat 2>/dev/null | grep -q '1 up'; }

# Starts the OSD; true once the monitor reports it up within 40 s. On a loaded machine an OSD
# sometimes stalls in its first contact with the monitor and never sends its boot message, so
# the caller retries with a fresh one rather than waiting out the whole timeout.
start_osd() {
    local attempt=$1 deadline pid
    rm -rf "$DIR/osd/osd.0" && mkdir -p "$DIR/osd/osd.0"
    # The same OSD uuid every attempt, the one the monitor registered for osd.0.
    ceph-osd -c "$DIR/ceph.conf" -i 0 --mkfs --osd-uuid "$OSD_UUID" >>"$DIR/log/osd-mkfs.out" 2>&1
    ceph-osd -c "$DIR/ceph.conf" -i 0 -f >>"$DIR/log/osd.out" 2>&1 &
    pid=$!
    echo "osd $pid" >>"$DIR/pids"
    deadline=$((SECONDS + 40))
    until osd_is_up; do
        if [ $SECONDS -ge $deadline ]; then
            log "ceph-osd (attempt $attempt) not up after 40 s; restarting it"
            kill -KILL "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            [ -f "$DIR/log/osd.0.log" ] && mv "$DIR/log/osd.0.log" "$DIR/log/osd.0.attempt$attempt.log"
            return 1
        fi
        sleep 1
    done
}

wait_for() {  # wait_for WHAT COMMAND...: retries until COMMAND succeeds or the timeout passes
    local what=$1 deadline=$((SECONDS + START_TIMEOUT))
    shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || { tail -n 20 "$DIR"/log/*.log >&2 || true; die "$what did not come up in ${START_TIMEOUT}s (logs in $DIR/log)"; }
        sleep 1
    done
}

start() {
    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd)
    [ ! -f "$DIR/pids" ] || die "$DIR/pids exists: a cluster may be running there; run '$0 stop $DIR' first"
    ensure_packages
    mkdir -p "$DIR/mon" "$DIR/osd/osd.0" "$DIR/run" "$DIR/log" "$DIR/rgw"
    local fsid mon_port rgw_port
    fsid=$(python3 -c 'import uuid; print(uuid.uuid4())')
    read -r mon_port rgw_port <<<"$(free_ports 2)"
    cat >"$DIR/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
public network = 127.0.0.1/32
cluster network = 127.0.0.1/32
ms bind ipv4 = true
ms bind ipv6 = false
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
mon max pg per osd = 1000
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
mon data = $DIR/mon/\$name
osd data = $DIR/osd/\$name
osd objectstore = memstore
memstore device bytes = 1073741824
keyring = $DIR/keyring

[client.rgw.local]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $DIR/rgw
rgw dns name =
EOF
    : >"$DIR/pids"
    ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
    monmaptool --create --add a "v1:127.0.0.1:$mon_port" --fsid "$fsid" "$DIR/monmap" >/dev/null
    ceph-mon -c "$DIR/ceph.conf" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring"
    ceph-mon -c "$DIR/ceph.conf" -i a -f >>"$DIR/log/mon.out" 2>&1 &
    echo "mon $!" >>"$DIR/pids"
    wait_for "ceph-mon" ceph_cli mon stat

    local id
    OSD_UUID=$(python3 -c 'import uuid; print(uuid.uuid4())')
    id=$(ceph_cli osd create "$OSD_UUID")
    [ "$id" = 0 ] || die "expected osd id 0, got $id"
    start_osd 1 || start_osd 2 || start_osd 3 || {
        tail -n 20 "$DIR"/log/osd.0.attempt3.log "$DIR"/log/mon.a.log >&2 || true
        die "ceph-osd did not come up in 3 attempts (logs in $DIR/log)"
    }

    radosgw -c "$DIR/ceph.conf" -n client.rgw.local -f >>"$DIR/log/rgw.out" 2>&1 &
    echo "rgw $!" >>"$DIR/pids"
    wait_for "radosgw" curl -sf -m 5 "http://127.0.0.1:$rgw_port/"
    timeout 60 radosgw-admin -c "$DIR/ceph.conf" user create --uid=urlmint --display-name=urlmint \
        --access-key="$ACCESS_KEY" --secret="$SECRET_KEY" >/dev/null
    cat >"$DIR/env" <<EOF
export URLMINT_TEST_RGW_ENDPOINT=http://127.0.0.1:$rgw_port
export URLMINT_TEST_RGW_ACCESS_KEY=$ACCESS_KEY
export URLMINT_TEST_RGW_SECRET_KEY=$SECRET_KEY
export URLMINT_TEST_RGW_REGION=us-east-1
EOF
    log "radosgw is up at http://127.0.0.1:$rgw_port (ceph $(ceph-mon --version | awk '{print $3}'), memstore)"
    echo "http://127.0.0.1:$rgw_port"
}

stop() {
    [ -d "$DIR" ] || return 0
    DIR=$(cd "$DIR" && pwd)
    [ -f "$DIR/pids" ] || return 0
    local name pid left i
    # radosgw first, the monitor last, so nothing waits on a missing peer.
    for name in rgw osd mon; do
        for pid in $(awk -v n="$name" '$1 == n {print $2}' "$DIR/pids"); do
            if is_ours "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
        done
    done
    for i in $(seq 1 20); do
        left=0
        while read -r name pid; do is_ours "$pid" && left=1; done <"$DIR/pids"
        [ $left -eq 0 ] && break
        sleep 0.25
    done
    while read -r name pid; do
        if is_ours "$pid"; then
            # radosgw often ignores SIGTERM for a long while; memstore holds nothing to keep.
            log "$name ($pid) still running 5 s after SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done <"$DIR/pids"
    rm -f "$DIR/pids" "$DIR/env"
}

[ $# -eq 2 ] || usage
DIR=$2
case "$1" in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
