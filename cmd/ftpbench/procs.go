package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
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
