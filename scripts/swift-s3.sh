#!/usr/bin/env bash
# Start / stop a throw-away OpenStack Swift cluster with the s3api middleware,
# used as a real, strict S3 (SigV4) server for urlmint's integration tests.
#
#   scripts/swift-s3.sh start DIR   # install packages if needed, configure,
#                                   # start, wait, write DIR/env, print endpoint
#   scripts/swift-s3.sh stop DIR    # stop exactly the processes started above
#
# After `start`, `. DIR/env` exports:
#   URLMINT_TEST_S3_ENDPOINT   http://127.0.0.1:PORT (path-style addressing)
#   URLMINT_TEST_S3_ACCESS_KEY test:tester
#   URLMINT_TEST_S3_SECRET_KEY testing
#   URLMINT_TEST_S3_REGION     us-east-1
#   URLMINT_TEST_S3_MIN_PART_SIZE  minimum size of a non-last multipart part
#   URLMINT_TEST_S3_ACCESS_KEY2 / URLMINT_TEST_S3_SECRET_KEY2  a second,
#                              unrelated account (test2:tester2 / testing2)
#
# Everything listens on 127.0.0.1 only.  Tunables (environment, at start):
#   URLMINT_SWIFT_MIN_SEGMENT_SIZE  s3api min_segment_size (default 5242880,
#                                   the S3 value; lower it for fast tests)
#   URLMINT_SWIFT_DEVICES           directory to store objects in (must support
#                                   large user.* xattrs); default: chosen here
#   URLMINT_SWIFT_START_TIMEOUT     seconds to wait for the servers (default 90)
set -euo pipefail

PACKAGES=(swift swift-proxy swift-account swift-container swift-object curl)
SERVERS=(account container object proxy)
# Swift is Debian's python3-swift: use Debian's interpreter, not whatever
# python3 comes first in PATH (pyenv, venv, ...).
SWIFT_PY=/usr/bin/python3

die() { echo "swift-s3: error: $*" >&2; exit 1; }
log() { echo "swift-s3: $*" >&2; }

usage() {
    echo "usage: $0 start DIR | stop DIR" >&2
    exit 2
}

ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    # python3-swift comes with the packages above; RingBuilder needs it.
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "packages missing (${missing[*]}) and not root to install them"
    log "installing ${missing[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    # Wait for a concurrent apt/dpkg run instead of failing on its lock.
    local apt_opts=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    if ! apt-get install "${apt_opts[@]}" "${missing[@]}" >/tmp/swift-s3-apt.log 2>&1; then
        log "apt-get install failed; running apt-get update and retrying"
        apt-get update -q -o DPkg::Lock::Timeout=600 >>/tmp/swift-s3-apt.log 2>&1 || true
        apt-get install "${apt_opts[@]}" "${missing[@]}" >>/tmp/swift-s3-apt.log 2>&1 \
            || { tail -n 30 /tmp/swift-s3-apt.log >&2; die "apt-get install ${missing[*]} failed"; }
    fi
}

# Succeeds when directory $1 can hold Swift's object metadata: user.* xattrs
# as Swift writes them (one value of up to 64 KiB per key, plus a checksum
# key); we ask for 16 KiB, well above S3's 2 KiB of user metadata plus
# Swift's own.  Plain ext4 fails this (all xattrs of a file must fit in one
# 4 KiB block); tmpfs (Linux >= 6.6) and ext4 with ea_inode pass.
xattr_ok() {
    "$SWIFT_PY" - "$1" <<'EOF'
import os, sys, tempfile
try:
    fd, path = tempfile.mkstemp(dir=sys.argv[1], prefix='.xattr-probe-')
except OSError:
    sys.exit(1)
try:
    os.setxattr(path, 'user.swift.metadata', b'x' * 16384)
    os.setxattr(path, 'user.swift.metadata_checksum', b'0' * 32)
    if os.getxattr(path, 'user.swift.metadata') != b'x' * 16384:
        sys.exit(1)
except OSError:
    sys.exit(1)
finally:
    os.close(fd)
    os.unlink(path)
EOF
}

# Pick the directory holding the devices ("disks").  Records anything that
# `stop` has to undo in DIR/cleanup.
setup_devices() {
    local dir=$1 srv=$1/srv cand
    if [ -n "${URLMINT_SWIFT_DEVICES:-}" ]; then
        mkdir -p "$URLMINT_SWIFT_DEVICES"
        xattr_ok "$URLMINT_SWIFT_DEVICES" || log "warning: $URLMINT_SWIFT_DEVICES fails the xattr probe"
        ln -sfn "$(cd "$URLMINT_SWIFT_DEVICES" && pwd)" "$srv"
        return 0
    fi
    mkdir -p "$srv"
    # 1. DIR itself (ext4 fails: its xattrs must fit in one 4 KiB block).
    if xattr_ok "$srv"; then return 0; fi
    rmdir "$srv"
    # 2. A directory in /dev/shm (tmpfs has user xattrs since Linux 6.6).
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        cand=$(mktemp -d /dev/shm/urlmint-swift.XXXXXX 2>/dev/null) || cand=
        if [ -n "$cand" ]; then
            if xattr_ok "$cand"; then
                ln -s "$cand" "$srv"
                echo "rmtree $cand" >>"$dir/cleanup"
                return 0
            fi
            rm -rf "$cand"
        fi
    fi
    if [ "$(id -u)" -eq 0 ]; then
        mkdir -p "$srv"
        # 3. A tmpfs of our own.
        if mount -t tmpfs -o size=2g,mode=0755 urlmint-swift "$srv" 2>/dev/null; then
            if xattr_ok "$srv"; then
                echo "umount $srv" >>"$dir/cleanup"
                return 0
            fi
            umount "$srv" || true
        fi
        # 4. A loop-mounted ext4 image with ea_inode (large xattrs).
        if command -v mkfs.ext4 >/dev/null; then
            truncate -s 2G "$dir/devices.img"
            if mkfs.ext4 -q -F -O ea_inode -E lazy_itable_init=1 "$dir/devices.img" >/dev/null 2>&1 \
                && mount -o loop "$dir/devices.img" "$srv" 2>/dev/null; then
                if xattr_ok "$srv"; then
                    echo "umount $srv" >>"$dir/cleanup"
                    return 0
                fi
                umount "$srv" || true
            fi
            rm -f "$dir/devices.img"
        fi
    else
        mkdir -p "$srv"
    fi
    # 5. Last resort: DIR itself with whatever xattr room it has.
    "$SWIFT_PY" -c "import os,sys; open(sys.argv[1],'w').close(); os.setxattr(sys.argv[1],'user.t',b'x'); os.unlink(sys.argv[1])" \
        "$srv/.probe" 2>/dev/null \
        || die "no directory with user xattrs found (tried $srv, /dev/shm, tmpfs, loop ext4); set URLMINT_SWIFT_DEVICES"
    log "warning: $srv has little xattr space; large object metadata may fail"
}

free_ports() {
    "$SWIFT_PY" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(('127.0.0.1', 0))
    socks.append(s)
print(' '.join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

write_configs() {
    local dir=$1 etc=$1/etc user
    user=$(id -un)
    mkdir -p "$etc" "$dir/log"
    local suffix prefix
    suffix=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    prefix=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

    cat >"$etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = $suffix
swift_hash_path_prefix = $prefix

[storage-policy:0]
name = Policy-0
default = yes

[swift-constraints]
# Swift allows 256 bytes per metadata value; S3 allows 2 KiB of user
# metadata in total (which s3api does not check itself).
max_meta_value_length = 2048
max_meta_overall_size = 4096
EOF

    # Swift 2.30's servers read swift.conf (hash prefix/suffix, storage
    # policies, constraints) only from /etc/swift: swift_dir is used for the
    # rings alone.  This launcher points them at our swift.conf, so that
    # nothing outside DIR is read or written.
    cat >"$etc/launch.py" <<'EOF'
import os, runpy, sys
from swift.common import utils
utils.set_swift_dir(os.path.dirname(os.path.abspath(__file__)))
from swift.common import constraints, storage_policy
constraints.reload_constraints()
storage_policy.reload_storage_policies()
server = sys.argv[1]
sys.argv = [server] + sys.argv[2:]
runpy.run_path(server, run_name='__main__')
EOF

    # Common [DEFAULT] for all servers.  Logs go to stderr (-v) which we
    # redirect to DIR/log/*.log; syslog output goes to loopback UDP (nothing
    # listens there, so it is dropped).
    local common
    common="bind_ip = 127.0.0.1
bind_timeout = 10
workers = 0
user = $user
swift_dir = $etc
devices = $dir/srv
mount_check = false
log_level = INFO
log_udp_host = 127.0.0.1
log_udp_port = ${SYSLOG_PORT}
fallocate_reserve = 0
disable_fallocate = false"

    cat >"$etc/account-server.conf" <<EOF
[DEFAULT]
bind_port = $ACCOUNT_PORT
$common
log_name = account-server

[pipeline:main]
pipeline = healthcheck account-server

[app:account-server]
use = egg:swift#account

[filter:healthcheck]
use = egg:swift#healthcheck
EOF

    cat >"$etc/container-server.conf" <<EOF
[DEFAULT]
bind_port = $CONTAINER_PORT
$common
log_name = container-server

[pipeline:main]
pipeline = healthcheck container-server

[app:container-server]
use = egg:swift#container

[filter:healthcheck]
use = egg:swift#healthcheck
EOF

    cat >"$etc/object-server.conf" <<EOF
[DEFAULT]
bind_port = $OBJECT_PORT
$common
log_name = object-server

[pipeline:main]
pipeline = healthcheck object-server

[app:object-server]
use = egg:swift#object

[filter:healthcheck]
use = egg:swift#healthcheck
EOF

    # Pipeline as in Swift's SAIO/s3api docs: s3api right before tempauth;
    # slo (multipart uploads) after it; copy/dlo/versioned_writes as well.
    cat >"$etc/proxy-server.conf" <<EOF
[DEFAULT]
bind_port = $PROXY_PORT
$common
log_name = proxy-server
expose_info = true

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
node_timeout = 30
conn_timeout = 2

[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test2_tester2 = testing2 .admin

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# Same rules as AWS where s3api can do it.
dns_compliant_bucket_names = true
s3_acl = false
allow_multipart_uploads = true
max_upload_part_num = 10000
min_segment_size = ${URLMINT_SWIFT_MIN_SEGMENT_SIZE:-5242880}
allowable_clock_skew = 900
# vhost-style requests are possible via Host: BUCKET.localhost:PORT
storage_domain = localhost

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

# No memcached is run: point the cache at a port of our own where nothing
# listens, so a memcached of someone else can never serve stale data to us.
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:${MEMCACHE_PORT}
# ... and do not log "All memcached servers error-limited" for every request.
set log_level = CRITICAL

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo
max_manifest_segments = 10000
max_manifest_size = 8388608
min_segment_size = 1

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true

[filter:symlink]
use = egg:swift#symlink
EOF

    mkdir -p "$dir/srv/d1"
}

build_rings() {
    # One-replica rings with a single device each.
    EVENTLET_NO_GREENDNS=yes "$SWIFT_PY" - "$1/etc" "$ACCOUNT_PORT" "$CONTAINER_PORT" "$OBJECT_PORT" <<'EOF'
import os, sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for name, port in zip(('account', 'container', 'object'), sys.argv[2:5]):
    b = RingBuilder(6, 1, 1)
    b.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1',
               'port': int(port), 'device': 'd1', 'weight': 100.0,
               'meta': ''})
    b.rebalance()
    b.save(os.path.join(etc, name + '.builder'))
    b.get_ring().save(os.path.join(etc, name + '.ring.gz'))
EOF
}

# Is PID $1 still one of our servers for DIR $2?
is_ours() {
    local pid=$1 dir=$2
    [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/etc/"
}

dump_logs() {
    local dir=$1 f
    for f in "$dir"/log/*.log; do
        [ -f "$f" ] || continue
        echo "----- $f (last 40 lines) -----" >&2
        tail -n 40 "$f" >&2
    done
}

stop_cluster() {
    local dir=$1 pid name left i
    if [ -f "$dir/pids" ]; then
        while read -r name pid; do
            [ -n "$pid" ] || continue
            if is_ours "$pid" "$dir"; then kill -TERM "$pid" 2>/dev/null || true; fi
        done <"$dir/pids"
        for i in $(seq 1 100); do
            left=0
            while read -r name pid; do
                [ -n "$pid" ] || continue
                if is_ours "$pid" "$dir"; then left=1; fi
            done <"$dir/pids"
            [ $left -eq 0 ] && break
            sleep 0.1
        done
        if [ $left -ne 0 ]; then
            while read -r name pid; do
                [ -n "$pid" ] || continue
                if is_ours "$pid" "$dir"; then
                    log "$name ($pid) did not stop on SIGTERM; killing"
                    kill -KILL "$pid" 2>/dev/null || true
                fi
            done <"$dir/pids"
            sleep 0.5
        fi
        rm -f "$dir/pids" "$dir/env"
    fi
    # Undo mounts / temporary directories, newest first.
    if [ -f "$dir/cleanup" ]; then
        tac "$dir/cleanup" | while read -r op arg; do
            case $op in
                umount) umount "$arg" 2>/dev/null || umount -l "$arg" 2>/dev/null || true ;;
                rmtree) rm -rf -- "$arg" ;;
            esac
        done
        rm -f "$dir/cleanup"
    fi
    rm -f "$dir/devices.img"
    if [ -L "$dir/srv" ] && [ ! -e "$dir/srv" ]; then rm -f "$dir/srv"; fi
}

start_cluster() {
    local dir=$1 t0 name pid
    t0=$(date +%s.%N)
    ensure_packages
    if [ -f "$dir/pids" ]; then
        die "$dir/pids exists: already started? run '$0 stop $dir' first"
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    # DIR may be reused: drop what an earlier run left there.
    rm -f "$dir/cleanup" "$dir/env"
    if [ -L "$dir/srv" ]; then
        rm -f "$dir/srv"
    elif [ -d "$dir/srv" ]; then
        if mountpoint -q "$dir/srv" 2>/dev/null; then umount "$dir/srv"; fi
        rm -rf "$dir/srv"
    fi
    rm -rf "$dir/etc" "$dir/log" "$dir/devices.img"
    # Any failure from here on: undo what was done so far.
    trap 'rc=$?; if [ $rc -ne 0 ]; then dump_logs "'"$dir"'"; stop_cluster "'"$dir"'"; fi' EXIT
    setup_devices "$dir"

    read -r ACCOUNT_PORT CONTAINER_PORT OBJECT_PORT PROXY_PORT MEMCACHE_PORT SYSLOG_PORT < <(free_ports 6)
    write_configs "$dir"

    : >"$dir/pids"
    # Only the proxy reads the rings: build them while the backend servers
    # start (start-up is CPU-bound: ~1 s of CPU per server), then the proxy.
    local ring_pid
    build_rings "$dir" &
    ring_pid=$!
    for name in "${SERVERS[@]}"; do
        if [ "$name" = proxy ]; then
            wait "$ring_pid" || die "building the rings failed"
        fi
        # -v: log to stderr too (there is no syslog here).
        EVENTLET_NO_GREENDNS=yes nohup "$SWIFT_PY" "$dir/etc/launch.py" \
            "$(command -v "swift-$name-server")" "$dir/etc/$name-server.conf" -v \
            </dev/null >"$dir/log/$name.log" 2>&1 &
        pid=$!
        echo "$name $pid" >>"$dir/pids"
    done

    local timeout=${URLMINT_SWIFT_START_TIMEOUT:-90} deadline ok port left
    deadline=$(( $(date +%s) + timeout ))
    while :; do
        ok=1
        for name in "${SERVERS[@]}"; do
            pid=$(awk -v n="$name" '$1 == n {print $2}' "$dir/pids")
            if ! kill -0 "$pid" 2>/dev/null; then
                die "swift $name server (pid $pid) exited during start-up; its logs follow"
            fi
        done
        for port in "$ACCOUNT_PORT" "$CONTAINER_PORT" "$OBJECT_PORT" "$PROXY_PORT"; do
            # A server binds its port long before it accepts: a connected
            # request just waits, so give it time rather than retrying.
            left=$(( deadline - $(date +%s) ))
            [ $left -ge 1 ] || left=1
            [ $left -le 10 ] || left=10
            if ! curl -fsS -o /dev/null --max-time "$left" "http://127.0.0.1:$port/healthcheck" 2>/dev/null; then
                ok=0
                break
            fi
        done
        [ $ok -eq 1 ] && break
        if [ "$(date +%s)" -ge "$deadline" ]; then
            die "swift did not answer on 127.0.0.1 within ${timeout}s; the server logs follow"
        fi
        sleep 0.1
    done

    local endpoint="http://127.0.0.1:$PROXY_PORT"
    cat >"$dir/env" <<EOF
export URLMINT_TEST_S3_ENDPOINT=$endpoint
export URLMINT_TEST_S3_ACCESS_KEY=test:tester
export URLMINT_TEST_S3_SECRET_KEY=testing
export URLMINT_TEST_S3_REGION=us-east-1
export URLMINT_TEST_S3_MIN_PART_SIZE=${URLMINT_SWIFT_MIN_SEGMENT_SIZE:-5242880}
export URLMINT_TEST_S3_ACCESS_KEY2=test2:tester2
export URLMINT_TEST_S3_SECRET_KEY2=testing2
EOF
    log "started in $("$SWIFT_PY" -c "import sys,time; print('%.1f' % (time.time() - float(sys.argv[1])))" "$t0")s; logs in $dir/log, env in $dir/env"
    trap - EXIT
    echo "$endpoint"
}

[ $# -eq 2 ] || usage
case $1 in
    start) start_cluster "$2" ;;
    stop)
        [ -d "$2" ] || die "no such directory: $2"
        stop_cluster "$(cd "$2" && pwd)"
        ;;
    *) usage ;;
esac
