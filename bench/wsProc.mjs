// Process figures for the ws bench (bench/ws.mjs): which workerd serves a port, and its memory,
// open files and CPU time, read from /proc.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const round1 = (x) => Math.round(x * 10) / 10;

/** Process ids of this process's descendants, with their parents. */
function descendants() {
  const parents = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name is in parentheses and may hold spaces: the fields after it are plain.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(name), ppid);
    } catch {
      // Gone meanwhile.
    }
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  mine.delete(process.pid);
  return [...mine];
}

/**
 * The workerd process that listens on `port` (on 127.0.0.1): of the workerd processes miniflare
 * started under this one, the one holding that listening socket.
 */
export function workerdOn(port) {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set();
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[3] === "0A") inodes.add(`socket:[${fields[9]}]`);
  }
  const workerds = descendants().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "workerd";
    } catch {
      return false;
    }
  });
  for (const pid of workerds) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return pid;
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return workerds.length === 1 ? workerds[0] : undefined;
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid) {
  if (pid === undefined) return Number.NaN;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return round1(kb / 1024);
  } catch {
    return Number.NaN;
  }
}

/** Whether a process is still there and still workerd. */
export function alive(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "workerd";
  } catch {
    return false;
  }
}

/** Open file descriptors of a process. */
export function openFiles(pid) {
  if (pid === undefined) return Number.NaN;
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** The soft limit on open files of a process, from /proc/<pid>/limits. */
export function openFilesLimit(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/limits`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    return Number(line?.split(/\s{2,}/)[1]);
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time of a process in milliseconds, all its threads, from /proc/<pid>/task/<tid>/schedstat
 * (nanoseconds on the CPU: finer than the clock ticks of /proc/<pid>/stat). NaN if it is gone.
 */
export function cpuMs(pid) {
  if (pid === undefined) return Number.NaN;
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // A thread that ended meanwhile.
      }
    }
    return ns / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * User and system CPU time of a process in milliseconds, from /proc/<pid>/stat (10 ms ticks). On
 * loopback, system time includes much of the receiving side's TCP work, which a deployed shard
 * does not pay: the split tells it apart. NaN if it is gone.
 */
export function cpuSplitMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name.
    const tick = 1000 / TICKS_PER_SECOND;
    return { user: Number(fields[11]) * tick, system: Number(fields[12]) * tick };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}
