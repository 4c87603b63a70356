#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# /init of the tactus test-bed initramfs (built by tactusvm.py). Mounts the
# host's root read-only over virtio-9p, puts a tmpfs overlay on top, copies
# the per-boot stage tree and the optional install tree onto it, and hands
# over to the host's systemd as PID 1.
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
	echo "tactus-vm-init: $*" >/dev/console
	echo "tactus-vm-init: dropping to a shell" >/dev/console
	exec sh </dev/console >/dev/console 2>&1
}

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
echo "tactus-vm-init: starting"

# Modules in dependency order, as written by the builder.
while read -r mod args; do
	[ -n "$mod" ] || continue
	insmod "/modules/$mod" $args 2>/dev/null ||
		grep -q "^$(basename "$mod" .ko | tr - _) " /proc/modules ||
		echo "tactus-vm-init: insmod $mod failed, ignoring"
done </modules/order

stage=
install=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	tactus.stage=*) stage="${arg#tactus.stage=}" ;;
	tactus.install=*) install="${arg#tactus.install=}" ;;
	esac
done

mkdir -p /lower /rw /newroot
# multidevs=remap is set on the host side (-fsdev); msize and cache=loose
# make the read-only host tree fast enough for systemd and python under TCG.
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /lower ||
	fail "cannot mount the host root over 9p"
mount -t tmpfs -o mode=0755,size=1G rw /rw
mkdir -p /rw/upper /rw/work
# The host tree is not changed while the guest runs, so no index/xino needed.
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	fail "cannot mount the overlay"

# The host's enabled units (databases, timers, getty...) are host business:
# the guest starts only the static units the packages ship plus the stage's.
for d in /newroot/etc/systemd/system/*.wants /newroot/etc/systemd/system/*.requires; do
	[ -d "$d" ] && rm -rf "$d"
done
[ -n "$stage" ] || fail "no tactus.stage= on the kernel command line"
cp -a "/lower$stage/." /newroot/ || fail "cannot copy the stage tree $stage"
if [ -n "$install" ]; then
	cp -a "/lower$install/." /newroot/ || fail "cannot copy the install tree $install"
	echo "tactus-vm-init: installed $install"
fi
# A fresh machine-id is written by the stage; make sure it is not a bind.
[ -s /newroot/etc/machine-id ] || fail "stage has no machine-id"

# /tmp stays the host's (read-only below, writable in the overlay): a
# checkout or build tree under /tmp, as CI makes, must be visible in the
# guest at the same path, like every other host path.

mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
echo "tactus-vm-init: switching to systemd"
exec switch_root /newroot /lib/systemd/systemd
fail "switch_root failed"
