#!/bin/sh
# A remote shell for charmrun (++remote-shell) that treats network namespaces as hosts:
# `netns-shell.sh ADDRESS COMMAND` runs the shell line COMMAND in the namespace that owns
# ADDRESS, as `ssh ADDRESS COMMAND` would on a real host.
host=$1
command=$2
for ns in $(ip netns list | cut -d' ' -f1); do
  if ip -n "$ns" -o addr show | grep -q " inet $host/"; then
    exec ip netns exec "$ns" /bin/sh -c "$command"
  fi
done
echo "netns-shell: no network namespace has address $host" >&2
exit 255
