package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/jclub/jclub/topic"
)

func cli(args ...string) (stdout string, err error) {
	var out, errb bytes.Buffer
	err = run(args, &out, &errb)
	return out.String(), err
}

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestList(t *testing.T) {
	out, err := cli("list")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"diffusion", "anomalous", "reynolds", "perceptron", "hopfield", "boltzmann", "backprop", "deep"} {
		if !strings.Contains(out, id) {
			t.Errorf("list lacks %s", id)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, err := cli("--version")
	if err != nil || !strings.HasPrefix(out, "jclub ") {
		t.Fatalf("%q %v", out, err)
	}
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"open", "--help"}, {"list", "--help"}, {"run", "diffusion", "--help"}, {"open", "diffusion", "-h"}} {
		out, err := cli(args...)
		if err != nil || !strings.Contains(out, "Usage") {
			t.Errorf("%v: %q %v", args, out, err)
		}
	}
	out, _ = cli("run", "boltzmann", "--help")
	for _, want := range []string{"Columns (--part encoder): cycle,solved", "Columns (--part rbm): batch,recon_error"} {
		if !strings.Contains(out, want) {
			t.Errorf("run boltzmann --help lacks %q:\n%s", want, out)
		}
	}
	out, _ = cli("run", "diffusion", "--help")
	for _, want := range []string{"--walkers N", "an integer 1..10000", "--format csv|json", "-o FILE", "Columns: t,msd,msd_theory"} {
		if !strings.Contains(out, want) {
			t.Errorf("run diffusion --help lacks %q:\n%s", want, out)
		}
	}
}

// Bad input: one line naming what was wrong and the valid range, exit 2.
func TestBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"run"}, "run needs a topic: one of diffusion"},
		{[]string{"run", "nope"}, `unknown topic "nope": must be one of diffusion, anomalous`},
		{[]string{"open", "nope"}, `unknown topic "nope"`},
		{[]string{"run", "diffusion", "--walkers", "-5"}, "walkers = -5: must be an integer 1..10000"},
		{[]string{"run", "diffusion", "--walkers=0"}, "walkers = 0"},
		{[]string{"run", "diffusion", "--mode", "levy"}, "mode = levy: must be one of lattice, gauss, langevin"},
		{[]string{"run", "diffusion", "--frob", "1"}, "unknown flag --frob: valid flags are --mode, --walkers"},
		{[]string{"run", "diffusion", "--steps"}, "flag --steps needs a value"},
		{[]string{"run", "diffusion", "--steps", "-1"}, "steps = -1: must be an integer 0..100000000"},
		{[]string{"run", "diffusion", "--every", "0"}, "every = 0: must be an integer 1..100000000"},
		{[]string{"run", "diffusion", "--format", "xml"}, "format = xml: must be one of csv, json"},
		{[]string{"run", "diffusion", "--seed", "x"}, "seed = x"},
		{[]string{"open", "deep", "--seeds", "3", "--steps", "5"}, "--steps is not used with --experiment compare; the flags it uses are"},
		{[]string{"list", "x"}, "list takes no arguments"},
		{[]string{"run", "boltzmann", "--hidden", "50"}, "--hidden is not used with --part encoder; the flags it uses are --part, --size"},
		{[]string{"run", "backprop", "--every", "5"}, "--every is not used; the flags it uses are --hidden"},
		{[]string{"run", "reynolds", "--model", "scallop", "--every", "2"}, "--every is not used with --model scallop"},
		{[]string{"open", "diffusion", "--mass", "2"}, "--mass is not used with --mode gauss"},
		{[]string{"run", "hopfield", "--question", "nope"}, `question "nope": topic hopfield's questions are associative, hebbian`},
		{[]string{"run", "hopfield", "--question", "minima", "--n", "100"}, "--question minima sets the parameters: --n cannot be given with it"},
		{[]string{"run", "rl", "--env", "cliff", "--agent", "td"}, "agent td does not run on cliff: it takes sarsa, qlearning, expected-sarsa, dp"},
	}
	for _, c := range cases {
		out, err := cli(c.args...)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: exit %d, %v; want exit 2 and %q", c.args, exitCode(err), err, c.want)
		}
		if out != "" {
			t.Errorf("%v: wrote %q to stdout", c.args, out)
		}
	}
}

// --mnist is an option of the run, not of the process: a directory
// without the files is named in the error, and the embedded copy is still
// what a run without the flag reads.
func TestMNISTDirOption(t *testing.T) {
	_, err := cli("run", "backprop", "--mnist", t.TempDir())
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Fatalf("empty directory: %v", err)
	}
	v := topic.Backprop.Defaults()
	v.SetMNISTDir("/data/mnist")
	if args := strings.Join(v.Args(), " "); args != "--mnist /data/mnist" {
		t.Fatalf("the share line lacks the directory: %q", args)
	}
}

// jclub run TOPIC --question ID runs the question's set-up for its steps
// from its seed: the same rows as the flags it stands for.
func TestRunQuestion(t *testing.T) {
	got, err := cli("run", "hopfield", "--question", "minima")
	if err != nil {
		t.Fatal(err)
	}
	want, err := cli("run", "hopfield", "--flip", "0.25", "--seed", "3", "--steps", "3000")
	if err != nil {
		t.Fatal(err)
	}
	if got != want || !strings.HasPrefix(got, "step,energy,overlap,flips\n") {
		t.Fatalf("--question minima printed\n%s\nwant\n%s", got, want)
	}
}

func TestRunCSV(t *testing.T) {
	out, err := cli("run", "diffusion", "--mode", "gauss", "--walkers", "2000", "--steps", "1000", "--every", "10", "--seed", "1")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "t,msd,msd_theory,msd_se" {
		t.Fatalf("header %v", rows[0])
	}
	if len(rows) != 1+101 {
		t.Fatalf("%d rows, want a header and 101", len(rows))
	}
	last := rows[len(rows)-1]
	tt, _ := strconv.ParseFloat(last[0], 64)
	msd, _ := strconv.ParseFloat(last[1], 64)
	theory, _ := strconv.ParseFloat(last[2], 64)
	se, _ := strconv.ParseFloat(last[3], 64)
	if tt != 100 || theory != 400 || msd < theory-4*se || msd > theory+4*se {
		t.Fatalf("last row %v", last)
	}
	again, _ := cli("run", "diffusion", "--mode", "gauss", "--walkers", "2000", "--steps", "1000", "--every", "10", "--seed", "1")
	if again != out {
		t.Fatal("same seed, different output")
	}
}

func TestRunJSON(t *testing.T) {
	out, err := cli("run", "diffusion", "--format", "json", "--steps", "20", "--every", "5", "--mode", "lattice")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Topic  string
		Seed   uint64
		Params map[string]any
		Rows   []map[string]float64
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Topic != "diffusion" || doc.Params["mode"] != "lattice" || len(doc.Rows) != 5 || doc.Rows[4]["t"] != 2 {
		t.Fatalf("%+v", doc)
	}
}

// -o writes atomically: the whole file on success, nothing on failure,
// and an existing file is kept when the run fails.
func TestRunToFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "out.csv")
	if _, err := cli("run", "diffusion", "--steps", "10", "-o", f); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(f)
	if err != nil || !strings.HasPrefix(string(b), "t,msd,") || strings.Count(string(b), "\n") != 3 {
		t.Fatalf("%q %v", b, err)
	}
	if _, err := cli("run", "diffusion", "--walkers", "0", "-o", f); exitCode(err) != 2 {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(f); !bytes.Equal(b, b2) {
		t.Fatal("a failed run touched the file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	if _, err := cli("run", "diffusion", "-o", filepath.Join(dir, "no", "such", "dir.csv")); exitCode(err) != 1 {
		t.Fatalf("unwritable path: %v", err)
	}
}

// jclub serve, as a process: SIGTERM with an idle SSH connection open (no
// session, as an OpenSSH ControlMaster keeps) exits 0 within two seconds.
func TestServeExitsOnSIGTERM(t *testing.T) {
	if os.Getenv("JCLUB_SERVE_CHILD") != "" {
		err := run([]string{"serve", "--listen", os.Getenv("JCLUB_SERVE_CHILD"), "--host-key", filepath.Join(os.Getenv("JCLUB_KEY_DIR"), "key")}, os.Stdout, os.Stderr)
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeExitsOnSIGTERM$")
	cmd.Env = append(os.Environ(), "JCLUB_SERVE_CHILD="+addr, "JCLUB_KEY_DIR="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var c *gossh.Client
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		c, err = gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "x", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: time.Second,
			Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })}})
		if err == nil {
			break
		}
	}
	if c == nil {
		t.Fatalf("could not connect: %v\n%s", err, stderr.String())
	}
	defer c.Close()
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Logf("exited after %s: %v", time.Since(start).Round(time.Millisecond), err)
		if err != nil {
			t.Errorf("exit: %v\n%s", err, stderr.String())
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("took %s", time.Since(start))
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after SIGTERM\n%s", stderr.String())
	}
}
