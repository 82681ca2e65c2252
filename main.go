// Command jclub is a terminal explorer for a computational-neuroscience
// journal club: one screen per topic, each running a real simulation or
// learning algorithm beside its charts and equations.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jclub/jclub/serve"
	"github.com/jclub/jclub/topic"
	"github.com/jclub/jclub/tui"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

const usage = `jclub: a terminal explorer for a computational-neuroscience journal club

Usage:
  jclub                     open the explorer at the home menu
  jclub open TOPIC [flags]  open the explorer on one topic, parameters set
  jclub list                list the topics: id, unit, summary
  jclub run TOPIC [flags]   run a topic headless and print its observables
  jclub serve [flags]       serve the explorer over SSH ("jclub serve --help")
  jclub --version           print the version

"jclub run TOPIC --help" lists a topic's parameters.
`

// exitError carries an exit code: 2 for bad usage, 1 for failures.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func usageErr(format string, a ...any) error {
	return &exitError{2, fmt.Errorf(format, a...)}
}

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "jclub:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		os.Exit(ee.code)
	}
	os.Exit(1)
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return tui.Run(tui.Options{})
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "--version", "-version", "version":
		fmt.Fprintln(stdout, "jclub", versionString())
		return nil
	case "list":
		if len(rest) > 0 {
			if isHelp(rest[0]) {
				fmt.Fprintln(stdout, "Usage: jclub list\n\nLists every topic: id, unit, status and summary.")
				return nil
			}
			return usageErr("list takes no arguments, got %q", rest[0])
		}
		return list(stdout)
	case "open", "run":
		return topicCommand(cmd, rest, stdout)
	case "serve":
		return serveCmd(rest, stdout)
	default:
		return usageErr("unknown command %q: must be one of list, open, run, serve, --version, --help", cmd)
	}
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "help" }

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func list(w io.Writer) error {
	for _, t := range topic.All {
		status := ""
		if !t.Built() {
			status = " (coming)"
		}
		fmt.Fprintf(w, "%-11s %-14s %s%s\n", t.ID, t.Unit, t.Summary, status)
	}
	return nil
}

// runFlags are the values of jclub run's own flags.
type runFlags struct {
	seed          uint64
	steps, every  int
	format, ofile string
}

func topicCommand(cmd string, args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && isHelp(args[0]) {
			fmt.Fprintf(stdout, "Usage: jclub %s TOPIC [flags]\n\nTopics: %s\n", cmd, strings.Join(topic.IDs(), ", "))
			return nil
		}
		return usageErr("%s needs a topic: one of %s", cmd, strings.Join(topic.BuiltIDs(), ", "))
	}
	t, err := topic.Lookup(args[0])
	if err != nil {
		return &exitError{2, err}
	}
	if !t.Built() {
		return usageErr("topic %s is not built yet: built topics are %s", t.ID, strings.Join(topic.BuiltIDs(), ", "))
	}
	v := t.Defaults()
	rf := runFlags{seed: 1, steps: t.Steps, every: t.Every, format: "csv"}
	specs := topic.ParamFlags(&v)
	specs = append(specs, topic.SeedFlag(&rf.seed))
	if t.UsesMNIST {
		specs = append(specs, topic.Flag{Name: "mnist", Arg: "DIR", Help: "read the MNIST IDX files (gzipped or not) from DIR instead of the built-in copy",
			Set: func(s string) error {
				if fi, err := os.Stat(s); err != nil || !fi.IsDir() {
					return fmt.Errorf("mnist = %s: not a directory", s)
				}
				v.SetMNISTDir(s)
				return nil
			}})
	}
	stepsFlag := topic.Flag{Name: "steps", Arg: "N", Def: strconv.Itoa(t.Steps), Help: "updates to run, as the screen counts them (0..100000000)",
		Set: intSetter(&rf.steps, "steps", 0, 100_000_000)}
	if t.Natural != nil {
		stepsFlag.Def += "; without it, a run with epochs, cycles or trials runs them all"
	}
	if cmd == "open" {
		rf.steps = 0
		stepsFlag.Def, stepsFlag.Help = "0", "updates to take on opening, as the share line says (0..100000000)"
		specs = append(specs, stepsFlag)
	}
	if cmd == "run" {
		specs = append(specs, stepsFlag,
			topic.Flag{Name: "every", Arg: "K", Def: strconv.Itoa(t.Every), Help: "print a row every K updates (1..100000000)",
				Set: intSetter(&rf.every, "every", 1, 100_000_000)},
			topic.Flag{Name: "format", Arg: "csv|json", Def: "csv", Help: "output format",
				Set: func(s string) error {
					if s != "csv" && s != "json" {
						return fmt.Errorf("format = %s: must be one of csv, json", s)
					}
					rf.format = s
					return nil
				}},
			topic.Flag{Name: "o", Arg: "FILE", Help: "write to FILE (atomically) instead of standard output",
				Set: func(s string) error { rf.ofile = s; return nil }},
		)
	}
	var question *topic.Question
	if len(t.Questions) > 0 {
		specs = append(specs, topic.QuestionFlag(t, &question))
	}
	given := map[string]bool{}
	for i := range specs {
		set, name := specs[i].Set, specs[i].Name
		specs[i].Set = func(s string) error { given[name] = true; return set(s) }
	}
	if err := topic.ParseFlags(args[1:], specs); err != nil {
		if errors.Is(err, topic.ErrHelp) {
			printTopicHelp(stdout, cmd, t, specs)
			return nil
		}
		return &exitError{2, fmt.Errorf("%s %s: %w", cmd, t.ID, err)}
	}
	if question != nil {
		if err := question.SetUp(t, &v, given); err != nil {
			return &exitError{2, fmt.Errorf("%s %s: %w", cmd, t.ID, err)}
		}
		if !given["seed"] {
			rf.seed = question.Seed
		}
		if cmd == "run" && !given["steps"] {
			rf.steps, given["steps"] = question.RunSteps(t, v), true
		}
	}
	if err := unusedFlag(cmd, t, v, specs, given); err != nil {
		return &exitError{2, err}
	}
	if t.Check != nil {
		if err := t.Check(v); err != nil {
			return &exitError{2, fmt.Errorf("%s %s: %w", cmd, t.ID, err)}
		}
	}
	if cmd == "run" && !given["steps"] {
		rf.steps = t.DefaultSteps(v) // −1: the run's own length (its epochs, cycles, trials)
	}
	if cmd == "open" {
		return tui.Run(tui.Options{Topic: t, Values: v, Seed: rf.seed, Steps: rf.steps, Question: question})
	}
	return runTopic(t, v, rf, stdout)
}

// unusedFlag refuses a flag given that the run (or screen) would ignore:
// a parameter of another experiment, or --steps or --every where the run
// counts cycles or epochs. The message names the flags it does use.
func unusedFlag(cmd string, t *topic.Topic, v topic.Values, specs []topic.Flag, given map[string]bool) error {
	steps, every := t.UsesSteps(v)
	unused := func(name string) bool {
		for i, p := range v.Params() {
			if p.Name == name {
				return !v.Active(i)
			}
		}
		return name == "steps" && !steps || name == "every" && !every
	}
	var bad string
	var used []string
	for _, s := range specs {
		switch {
		case !unused(s.Name):
			used = append(used, topic.Dashes(s.Name)+s.Name)
		case given[s.Name] && bad == "":
			bad = s.Name
		}
	}
	if bad == "" {
		return nil
	}
	where := ""
	if k := topic.ExperimentParam(v.Params()); k >= 0 {
		where = fmt.Sprintf(" with --%s %s", v.Params()[k].Name, v.Format(k))
	}
	return fmt.Errorf("%s %s: --%s is not used%s; the flags it uses are %s", cmd, t.ID, bad, where, strings.Join(used, ", "))
}

func intSetter(p *int, name string, lo, hi int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%s = %s: must be an integer %d..%d", name, s, lo, hi)
		}
		*p = n
		return nil
	}
}

func printTopicHelp(w io.Writer, cmd string, t *topic.Topic, specs []topic.Flag) {
	fmt.Fprintf(w, "Usage: jclub %s %s [flags]\n\n%s: %s\n", cmd, t.ID, t.Title, t.Summary)
	if cmd == "run" {
		printColumns(w, t)
	}
	fmt.Fprintln(w, "\nFlags:")
	for _, s := range specs {
		def := ""
		if s.Def != "" {
			def = " [default " + s.Def + "]"
		}
		fmt.Fprintf(w, "  %s%s %s\n      %s%s\n", topic.Dashes(s.Name), s.Name, s.Arg, s.Help, def)
	}
}

// runTopic runs t headless and writes its table to stdout or atomically to
// rf.ofile: to a temporary file beside it, renamed into place on success.
func runTopic(t *topic.Topic, v topic.Values, rf runFlags, stdout io.Writer) (err error) {
	out := stdout
	var tmp *os.File
	if rf.ofile != "" {
		tmp, err = os.CreateTemp(filepath.Dir(rf.ofile), "."+filepath.Base(rf.ofile)+".*.tmp")
		if err != nil {
			return fmt.Errorf("-o %s: %w", rf.ofile, err)
		}
		defer func() {
			if tmp != nil { // not renamed: remove the partial file
				tmp.Close()
				os.Remove(tmp.Name())
			}
		}()
		out = tmp
	}
	tb, err := topic.NewTable(out, rf.format, t, v, rf.seed)
	if err != nil {
		return &exitError{2, err}
	}
	if err := t.Run(v, rf.seed, rf.steps, rf.every, tb); err != nil {
		return &exitError{2, fmt.Errorf("run %s: %w", t.ID, err)}
	}
	if err := tb.Close(); err != nil {
		return err
	}
	if tmp == nil {
		return nil
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), rf.ofile); err != nil {
		return err
	}
	tmp = nil
	return nil
}

// printColumns lists what jclub run prints, for each experiment where the
// topic has several.
func printColumns(w io.Writer, t *topic.Topic) {
	v := t.Defaults()
	k := topic.ExperimentParam(t.Params)
	if k < 0 {
		fmt.Fprintf(w, "Columns: %s\n", strings.Join(t.Columns(v), ","))
		return
	}
	p := t.Params[k]
	var lines []string
	same := true
	for _, e := range p.Values() {
		_ = v.Set(p.Name, e)
		cols := strings.Join(t.Columns(v), ",")
		same = same && (len(lines) == 0 || strings.HasSuffix(lines[0], ": "+cols))
		lines = append(lines, fmt.Sprintf("Columns (--%s %s): %s", p.Name, e, cols))
	}
	if same {
		fmt.Fprintf(w, "Columns: %s\n", strings.Join(t.Columns(v), ","))
		return
	}
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}

// serveCmd runs the SSH server until SIGINT or SIGTERM, then closes every
// session and connection and returns (exit 0).
func serveCmd(args []string, stdout io.Writer) error {
	o := serve.DefaultOptions()
	dur := func(p *time.Duration, name string) func(string) error {
		return func(s string) error {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s = %s: must be a positive duration such as 90s or 10m", name, s)
			}
			*p = d
			return nil
		}
	}
	specs := []topic.Flag{
		{Name: "listen", Arg: "ADDR", Def: o.Listen, Help: "address to listen on",
			Set: func(s string) error { o.Listen = s; return nil }},
		{Name: "host-key", Arg: "PATH", Def: o.HostKey, Help: "ed25519 host key: created (mode 0600) on first start; refused if others can read it",
			Set: func(s string) error { o.HostKey = s; return nil }},
		{Name: "authorized-keys", Arg: "FILE", Help: "admit only these public keys (default: anyone, with any key or none)",
			Set: func(s string) error { o.AuthorizedKeys = s; return nil }},
		{Name: "presenters", Arg: "FILE", Help: "public keys (authorized_keys format) that may present a room: ssh -t HOST present [NAME]; anyone may then follow [NAME]",
			Set: func(s string) error { o.Presenters = s; return nil }},
		{Name: "max-sessions", Arg: "N", Def: strconv.Itoa(o.MaxSessions), Help: "concurrent sessions (1..10000); past it a polite line, then close",
			Set: intSetter(&o.MaxSessions, "max-sessions", 1, 10000)},
		{Name: "idle-timeout", Arg: "D", Def: o.IdleTimeout.String(), Help: "a session with no key pressed for this long is closed",
			Set: dur(&o.IdleTimeout, "idle-timeout")},
		{Name: "max-session", Arg: "D", Def: o.MaxSession.String(), Help: "no session lasts longer than this",
			Set: dur(&o.MaxSession, "max-session")},
		{Name: "conn-rate", Arg: "N", Def: strconv.Itoa(o.ConnPerMinute), Help: "new connections per source address (IPv6 per /64) per minute (1..100000)",
			Set: intSetter(&o.ConnPerMinute, "conn-rate", 1, 100000)},
		{Name: "handshake-timeout", Arg: "D", Def: o.Handshake.String(), Help: "a connection not authenticated within this is closed",
			Set: dur(&o.Handshake, "handshake-timeout")},
	}
	if err := topic.ParseFlags(args, specs); err != nil {
		if errors.Is(err, topic.ErrHelp) {
			fmt.Fprintln(stdout, "Usage: jclub serve [flags]\n\nServes the explorer over SSH: every interactive session (ssh -t) gets its own explorer;")
			fmt.Fprintln(stdout, "\"ssh -t -p PORT HOST hopfield --patterns 14 --seed 7\" opens on a topic. Sessions without a PTY,")
			fmt.Fprintln(stdout, "other commands, subsystems (sftp, scp) and port or agent forwarding are refused. Simulations")
			fmt.Fprintln(stdout, "share the machine's cores: one session's training cannot starve the others.\n\nFlags:")
			for _, s := range specs {
				def := ""
				if s.Def != "" {
					def = " [default " + s.Def + "]"
				}
				fmt.Fprintf(stdout, "  --%s %s\n      %s%s\n", s.Name, s.Arg, s.Help, def)
			}
			return nil
		}
		return &exitError{2, fmt.Errorf("serve: %w", err)}
	}
	srv, err := serve.NewServer(o)
	if err != nil {
		return &exitError{2, fmt.Errorf("serve: %w", err)}
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-sigs:
	}
	// the first signal: every session is told and closed, every connection
	// with it, within two seconds; a second signal exits at once
	fmt.Fprintln(os.Stderr, "jclub serve: shutting down (a second signal exits at once)")
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "jclub serve: exiting now")
		os.Exit(1)
	}()
	sctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
