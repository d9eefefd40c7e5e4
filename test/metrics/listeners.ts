/**
 * The TCP ports a process listens on, read from Linux's /proc: the socket inodes among its open
 * file descriptors, looked up in /proc/net/tcp{,6} for sockets in the LISTEN state. Undefined
 * where there is no /proc to read.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';

/** LISTEN, in /proc/net/tcp's `st` column. */
const listenState = '0A';

export async function listeningPorts(pid: number): Promise<number[] | undefined> {
  if (!existsSync(`/proc/${pid}/fd`) || !existsSync('/proc/net/tcp')) return undefined;
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const [local, state, inode] = [columns[1], columns[3], columns[9]];
      if (state !== listenState || !inode || !inodes.has(inode) || !local) continue;
      ports.push(Number.parseInt(local.split(':')[1]!, 16));
    }
  }
  return ports.sort((a, b) => a - b);
}
