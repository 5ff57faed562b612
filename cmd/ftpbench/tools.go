package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// An ordinary FTP client program, run as it comes: curl and lftp read with
// their own, smaller buffers than the benchmark's client, so a server that does
// well only with 1 MiB reads shows it here.
type tool struct {
	name string
	// args are the program's arguments to download the file to /dev/null with
	// the login user:pass from addr, printing the transfer's start and end as
	// two numbers (seconds) on standard output.
	args func(addr, user, pass, file string) []string
	// span turns the program's output, run from start, into when the transfer
	// itself began and ended.
	span func(out []byte, start time.Time) (time.Time, time.Time, error)
}

var curlTool = tool{
	name: "curl",
	args: func(addr, user, pass, file string) []string {
		return []string{"curl", "-sS", "--fail", "-o", "/dev/null", "--user", user + ":" + pass,
			"-w", "%{time_pretransfer} %{time_total} %{size_download}\n", "ftp://" + addr + "/" + file}
	},
	// curl counts from its own start: the command reaches RETR at
	// time_pretransfer and has the 226 at time_total.
	span: func(out []byte, start time.Time) (time.Time, time.Time, error) {
		f := strings.Fields(string(out))
		if len(f) != 3 {
			return time.Time{}, time.Time{}, fmt.Errorf("curl printed %q", out)
		}
		from, err1 := strconv.ParseFloat(f[0], 64)
		to, err2 := strconv.ParseFloat(f[1], 64)
		if err := errors.Join(err1, err2); err != nil {
			return time.Time{}, time.Time{}, err
		}
		return start.Add(seconds(from)), start.Add(seconds(to)), nil
	},
}

var lftpTool = tool{
	name: "lftp",
	// lftp logs in lazily: NOOP makes it log in before the first clock, so
	// the span is the download alone (its SIZE and MDTM included).
	args: func(addr, user, pass, file string) []string {
		// A shell command (!) runs to the end of its line.
		script := fmt.Sprintf("set cmd:interactive no; set ftp:ssl-allow no; set xfer:clobber yes\n"+
			"open -u %s,%s ftp://%s; quote NOOP\n!date +%%s.%%N\nget %s -o /dev/null\n!date +%%s.%%N\n",
			user, pass, addr, file)
		return []string{"lftp", "-c", script}
	},
	span: func(out []byte, _ time.Time) (time.Time, time.Time, error) {
		f := strings.Fields(string(out)) // NOOP's reply, then the clocks
		if len(f) < 2 {
			return time.Time{}, time.Time{}, fmt.Errorf("lftp printed %q", out)
		}
		f = f[len(f)-2:]
		from, err1 := strconv.ParseFloat(f[0], 64)
		to, err2 := strconv.ParseFloat(f[1], 64)
		if err := errors.Join(err1, err2); err != nil {
			return time.Time{}, time.Time{}, err
		}
		return time.Unix(0, 0).Add(seconds(from)), time.Unix(0, 0).Add(seconds(to)), nil
	},
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// toolRetr downloads the big file with n copies of the program at once and
// returns the aggregate rate in GB/s, from the first download's start to the
// last one's end.
func (b *bench) toolRetr(t tool, n int) func(*server) (float64, error) {
	return func(s *server) (float64, error) {
		if _, err := exec.LookPath(t.args("", "", "", "")[0]); err != nil {
			return 0, fmt.Errorf("%s is not installed", t.name)
		}
		var wg sync.WaitGroup
		froms, tos := make([]time.Time, n), make([]time.Time, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				user, pass := s.account(i)
				args := t.args(s.addr, user, pass, s.bigFile)
				cmd := exec.Command(args[0], args[1:]...)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				start := time.Now()
				if err := cmd.Run(); err != nil {
					errs[i] = fmt.Errorf("%s: %w: %s", t.name, err, strings.TrimSpace(stderr.String()))
					return
				}
				froms[i], tos[i], errs[i] = t.span(stdout.Bytes(), start)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return 0, err
		}
		from, to := froms[0], tos[0]
		for i := range n {
			from, to = minTime(from, froms[i]), maxTime(to, tos[i])
		}
		// No CPU time: vsftpd's session processes have exited by the time the
		// program has, and their time reaches its listener only as far as it
		// reaps them (some rounds read 0).
		bytes := float64(n) * float64(b.cfg.fileSize)
		return bytes / to.Sub(from).Seconds() / 1e9, nil
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
