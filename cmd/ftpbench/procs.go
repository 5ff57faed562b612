package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// processTree returns pid and all its descendants, pid first, from /proc.
func processTree(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		rest := stat[bytes.LastIndexByte(stat, ')')+1:]
		fields := strings.Fields(string(rest))
		if len(fields) < 2 {
			continue
		}
		if parent, err := strconv.Atoi(fields[1]); err == nil {
			children[parent] = append(children[parent], child)
		}
	}
	tree := []int{pid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree
}

// memory sums the proportional set size (each shared page split among the
// processes that map it) and the resident set size of processes, in bytes.
func memory(pids []int) (pss, rss int64) {
	for _, pid := range pids {
		f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
		if err != nil {
			continue
		}
		lines := bufio.NewScanner(f)
		for lines.Scan() {
			fields := strings.Fields(lines.Text())
			if len(fields) < 2 {
				continue
			}
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			switch fields[0] {
			case "Pss:":
				pss += kb << 10
			case "Rss:":
				rss += kb << 10
			}
		}
		f.Close()
	}
	return pss, rss
}

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ).
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time the server has used: its processes' own, and that of
// the processes it started and reaped (vsftpd's ended sessions).
func cpuTime(s *server) time.Duration {
	var ticks int64
	for i, pid := range processTree(s.pid()) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		// After "pid (comm) ": state is field 3; utime, stime, cutime, cstime 14-17.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 15 {
			continue
		}
		last := 13 // utime and stime
		if i == 0 {
			last = 15 // and, for the main process, what its reaped children used
		}
		for _, v := range f[11:last] {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * clockTick
}

// prSetChildSubreaper is prctl's PR_SET_CHILD_SUBREAPER.
const prSetChildSubreaper = 36

// setSubreaper makes this process adopt, or stop adopting, the orphans among
// its descendants. A vsftpd session's privileged process may exit before the
// session's other process, which init then adopts and reaps: its CPU time
// reaches no one. Adopted, it is this process's to wait for and count.
func setSubreaper(on bool) error {
	v := uintptr(0)
	if on {
		v = 1
	}
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, v, 0); e != 0 {
		return e
	}
	return nil
}

// reapAdopted waits for this process's children named comm that have exited,
// other than the process except (a server it started, waited for elsewhere),
// and returns the CPU time they used (user and system, with what they
// reaped); running counts those still running.
func reapAdopted(comm string, except int) (cpu time.Duration, running int) {
	self := os.Getpid()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == except {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open {
			continue
		}
		f := strings.Fields(string(stat[end+1:]))
		if len(f) < 2 || string(stat[open+1:end]) != comm {
			continue
		}
		if parent, _ := strconv.Atoi(f[1]); parent != self {
			continue
		}
		var ws syscall.WaitStatus
		var ru syscall.Rusage
		if got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, &ru); err != nil || got != pid {
			running++
			continue
		}
		cpu += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return cpu, running
}
