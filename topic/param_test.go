package topic

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jclub/jclub/models"
)

func TestSetAndRange(t *testing.T) {
	v := Diffusion.Defaults()
	cases := []struct{ name, val, err string }{
		{"walkers", "-5", "walkers = -5: must be an integer 1..10000"},
		{"walkers", "2.5", "walkers = 2.5: must be an integer 1..10000"},
		{"walkers", "10001", "walkers = 10001"},
		{"mode", "levy", "mode = levy: must be one of lattice, gauss, langevin"},
		{"D", "NaN", "D = NaN: must be 0.001..1000"},
		{"D", "0", "D = 0"},
		{"dt", "abc", "dt = abc"},
		{"nope", "1", `unknown parameter "nope"`},
	}
	for _, c := range cases {
		err := v.Set(c.name, c.val)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Set(%s, %s) = %v, want %q", c.name, c.val, err, c.err)
		}
	}
	if v.Int("walkers") != 300 || v.Choice("mode") != "gauss" {
		t.Fatal("a rejected value changed the values")
	}
	for _, ok := range [][2]string{{"walkers", "10000"}, {"mode", "lattice"}, {"D", "0.001"}, {"dt", "1e-2"}} {
		if err := v.Set(ok[0], ok[1]); err != nil {
			t.Error(err)
		}
	}
	if v.Float("dt") != 0.01 || v.Choice("mode") != "lattice" {
		t.Fatal("values not set")
	}
}

func TestNudgeLadder(t *testing.T) {
	v := Diffusion.Defaults()
	i := v.index("D")
	var got []string
	for range 4 {
		v.Nudge(i, 1)
		got = append(got, v.Format(i))
	}
	if strings.Join(got, " ") != "2 5 10 20" {
		t.Fatalf("up the ladder: %v", got)
	}
	got = got[:0]
	for range 5 {
		v.Nudge(i, -1)
		got = append(got, v.Format(i))
	}
	if strings.Join(got, " ") != "10 5 2 1 0.5" {
		t.Fatalf("down the ladder: %v", got)
	}
	// clamped at the range, reporting no change
	w := v.index("walkers")
	for v.Nudge(w, 1) {
	}
	if v.Int("walkers") != 10000 {
		t.Fatalf("walkers top at %d", v.Int("walkers"))
	}
	for v.Nudge(w, -1) {
	}
	if v.Int("walkers") != 1 {
		t.Fatalf("walkers bottom at %d", v.Int("walkers"))
	}
	m := v.index("mode")
	v.Nudge(m, -1)
	if v.Choice("mode") != "lattice" {
		t.Fatal("choices do not cycle")
	}
	v.Nudge(m, -1)
	if v.Choice("mode") != "langevin" {
		t.Fatal("choices do not wrap")
	}
}

func TestArgsRoundTrip(t *testing.T) {
	v := Diffusion.Defaults()
	if len(v.Args()) != 0 {
		t.Fatalf("defaults give args %v", v.Args())
	}
	_ = v.Set("mode", "langevin")
	_ = v.Set("walkers", "2000")
	_ = v.Set("a", "3") // not used by langevin: left out
	args := v.Args()
	if strings.Join(args, " ") != "--mode langevin --walkers 2000" {
		t.Fatalf("args %v", args)
	}
	w := Diffusion.Defaults()
	for i := 0; i < len(args); i += 2 {
		if err := w.Set(strings.TrimPrefix(args[i], "--"), args[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	pw, pv := DiffusionParams(w), DiffusionParams(v)
	pv.A = pw.A // inactive in langevin mode
	if pw != pv {
		t.Fatal("round trip changed the parameters")
	}
}

// Every declared default passes the simulation's own validation.
func TestDefaultsValid(t *testing.T) {
	for _, tp := range All {
		if !tp.Built() || tp.UsesMNIST { // the MNIST runs train whole epochs: tested in models and main
			continue
		}
		var out Rows
		if err := tp.Run(tp.Defaults(), 1, 3, 1, &out); err != nil {
			t.Errorf("%s: %v", tp.ID, err)
		}
		if first := tp.Columns(tp.Defaults())[0]; first != "cycle" && first != "epoch" && first != "episode" && tp.ID != "boltzmann" && len(out.Rows) != 4 {
			t.Errorf("%s: %d rows for 3 steps every 1", tp.ID, len(out.Rows))
		}
	}
}

func TestLookup(t *testing.T) {
	if _, err := Lookup("diffusion"); err != nil {
		t.Fatal(err)
	}
	_, err := Lookup("difusion")
	if err == nil || !strings.Contains(err.Error(), "must be one of diffusion, anomalous") {
		t.Fatalf("got %v", err)
	}
}

// The depth sweep runs headless exactly as the screen steps it.
func TestDepthSweepHeadless(t *testing.T) {
	v := Deep.Defaults()
	for k, val := range map[string]string{"experiment": "sweep", "layers": "100", "budget": "30", "pretrain": "5", "init": "glorot"} {
		if err := v.Set(k, val); err != nil {
			t.Fatal(err)
		}
	}
	var rows Rows
	if err := Deep.Run(v, 4, -1, 1, &rows); err != nil {
		t.Fatal(err)
	}
	data, _ := models.LoadMNIST()
	sw, err := models.NewDepthSweep(data, 100, "glorot", v.Float("eta"), 5, 30, 4)
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for !sw.Done() {
		if err := sw.Step(); err != nil {
			t.Fatal(err)
		}
		steps++
	}
	if len(rows.Rows) != models.SweepDepths || steps != models.SweepDepths*30 {
		t.Fatalf("%d rows, %d steps", len(rows.Rows), steps)
	}
	for d, r := range rows.Rows {
		if r[0] != float64(d+1) || r[1] != sw.Acc[d] {
			t.Errorf("depth %d: headless %v, stepped %v", d+1, r, sw.Acc[d])
		}
	}
}

// Every built topic names its papers and the questions its screen answers
// (the home screen shows them).
func TestTopicsHavePapersAndQuestions(t *testing.T) {
	for _, tp := range All {
		if tp.Built() && (len(tp.Papers) == 0 || len(tp.Questions) == 0) {
			t.Errorf("%s: %d papers, %d questions", tp.ID, len(tp.Papers), len(tp.Questions))
		}
	}
}

// Text parameters: a file and a typed matrix, checked when set, carried by
// the share line, refused over SSH when they name a file.
func TestTextParameters(t *testing.T) {
	v := Information.Defaults()
	if err := v.Set("file", "/no/such/file"); err == nil || !strings.Contains(err.Error(), "file") {
		t.Errorf("a missing file accepted: %v", err)
	}
	if err := v.Set("matrix", "0.5,0.6;0.5,0.5"); err == nil || !strings.Contains(err.Error(), "sums to") {
		t.Errorf("a bad matrix accepted: %v", err)
	}
	name := filepath.Join(t.TempDir(), "bytes")
	if err := os.WriteFile(name, []byte("aab"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{{"dist", DistFile}, {"file", name}} {
		if err := v.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	p, err := EntropyParams(v)
	if err != nil || math.Abs(p.P['a']-2.0/3) > 1e-15 || math.Abs(p.P['b']-1.0/3) > 1e-15 {
		t.Fatalf("file distribution %v, %v", err, p.P['a'])
	}
	args := v.Args()
	if !strings.Contains(strings.Join(args, " "), "--file "+name) {
		t.Errorf("share line %v has no --file", args)
	}
	op, err := ParseOpen(append([]string{"information"}, args...))
	if err != nil || op.Values.Text("file") != name {
		t.Fatalf("ParseOpen: %v", err)
	}
	if err := op.Values.NoFiles(); err == nil {
		t.Error("a file parameter passes NoFiles")
	}
	if _, err := ParseOpen([]string{"information", "--dist", "file"}); err == nil {
		t.Error("dist = file without --file accepted")
	}
	c := Information.Defaults()
	for _, kv := range [][2]string{{"experiment", ExpChannel}, {"channel", "matrix"}, {"matrix", "0.9,0.1;0.2,0.8"}} {
		if err := c.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.NoFiles(); err != nil {
		t.Errorf("a matrix is refused over SSH: %v", err)
	}
	var rows Rows
	if err := Information.Run(c, 1, -1, 1000, &rows); err != nil || len(rows.Rows) < 2 {
		t.Fatalf("typed channel: %v", err)
	}
}

// A parameter with per-experiment defaults follows the experiment until it
// is set by hand, whatever the order of the flags; the share line leaves
// out what is at its experiment's default.
func TestByModeDefaults(t *testing.T) {
	v := RL.Defaults()
	if v.Choice("agent") != "sarsa" || v.Float("alpha") != 0.5 || len(v.Args()) != 0 {
		t.Fatalf("defaults: agent %s, alpha %g, args %v", v.Choice("agent"), v.Float("alpha"), v.Args())
	}
	if err := v.Set("env", "randomwalk"); err != nil {
		t.Fatal(err)
	}
	if v.Choice("agent") != "td" || v.Float("alpha") != 0.1 || v.Choice("versus") != "mc" || v.Int("episodes") != 100 {
		t.Errorf("randomwalk: agent %s, alpha %g, versus %s, episodes %d", v.Choice("agent"), v.Float("alpha"), v.Choice("versus"), v.Int("episodes"))
	}
	if got := strings.Join(v.Args(), " "); got != "--env randomwalk" {
		t.Errorf("args %q, want --env randomwalk", got)
	}
	w := RL.Defaults()
	for _, kv := range [][2]string{{"alpha", "0.5"}, {"agent", "mc"}, {"env", "randomwalk"}} {
		if err := w.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if w.Float("alpha") != 0.5 || w.Choice("agent") != "mc" || w.Choice("versus") != "mc" {
		t.Errorf("set by hand, then the experiment: alpha %g, agent %s, versus %s", w.Float("alpha"), w.Choice("agent"), w.Choice("versus"))
	}
	if got := strings.Join(w.Args(), " "); got != "--env randomwalk --agent mc --alpha 0.5" {
		t.Errorf("args %q", got)
	}
	// the screen's ←→ too: the experiment's neighbour takes its defaults
	u := RL.Defaults()
	k := ExperimentParam(u.Params())
	u.Nudge(k, 1) // cliff → conditioning
	if u.Choice("env") != "conditioning" || u.Choice("agent") != "td" || u.Float("alpha") != 0.1 || u.Int("episodes") != 300 {
		t.Errorf("nudged to %s: agent %s, alpha %g, episodes %d", u.Choice("env"), u.Choice("agent"), u.Float("alpha"), u.Int("episodes"))
	}
	c := u.Clone()
	u.Nudge(k, 1)
	if c.Choice("env") != "conditioning" || c.Choice("agent") != "td" {
		t.Error("a clone changed with the original")
	}
	// ←→ steps through the agents the task takes; a change of task that
	// leaves the agent unfit puts it back to the task's default
	x := RL.Defaults()
	a := x.Params()[1]
	var seen []string
	for range 5 {
		x.Nudge(1, 1)
		seen = append(seen, x.Choice(a.Name))
	}
	if got := strings.Join(seen, " "); got != "qlearning expected-sarsa dp sarsa qlearning" {
		t.Errorf("agents on the cliff by →: %s", got)
	}
	k = ExperimentParam(x.Params())
	x.Nudge(k, -1) // cliff → windy: qlearning fits
	x.Nudge(k, -1) // → randomwalk: it does not
	if x.Choice("env") != "randomwalk" || x.Choice("agent") != "td" || x.Choice("versus") != "mc" {
		t.Errorf("qlearning set by hand, then ← to %s: agent %s, versus %s", x.Choice("env"), x.Choice("agent"), x.Choice("versus"))
	}
	if err := RL.Check(x); err != nil {
		t.Error(err)
	}
	// on the command line an unfit agent is refused, whatever the order
	for _, args := range [][]string{{"agent", "td", "env", "cliff"}, {"env", "cliff", "agent", "td"}} {
		y := RL.Defaults()
		_ = y.Set(args[0], args[1])
		_ = y.Set(args[2], args[3])
		if err := RL.Check(y); err == nil || !strings.Contains(err.Error(), "takes sarsa, qlearning") {
			t.Errorf("%v: %v", args, err)
		}
	}
	// every ByMode default parses (Default panics otherwise) under every
	// experiment, and names one
	for _, tp := range All {
		k := ExperimentParam(tp.Params)
		for i, p := range tp.Params {
			for m := range p.ByMode {
				d := tp.Defaults()
				if k < 0 || d.Set(tp.Params[k].Name, m) != nil {
					t.Errorf("%s: %s has a default for %q, not an experiment", tp.ID, p.Name, m)
					continue
				}
				_ = d.Default(i)
			}
		}
	}
}
