package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/topic"
)

// press sends keys straight to the app (no program), as Update would get them.
func press(a *App, keys ...string) {
	for _, k := range keys {
		a.Update(keyMsg(k))
	}
}

func runnerOf(t *testing.T, a *App) *runner {
	t.Helper()
	r, ok := a.screen.(*runner)
	if !ok {
		t.Fatalf("screen is %T", a.screen)
	}
	return r
}

// Diffusion with 500 walkers at step 200, esc, back: the same walkers,
// parameters and step; a jump away and back does the same.
func TestLeavingKeepsState(t *testing.T) {
	v := topic.Diffusion.Defaults()
	if err := v.Set("walkers", "500"); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(Options{Topic: topic.Diffusion, Values: v, Seed: 3})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := runnerOf(t, a)
	for range 200 {
		press(a, "n")
	}
	d := unitOf(r).(*diffusion).d
	xs, _ := d.Positions()
	x0 := xs[7]
	press(a, "esc")
	if a.screen != nil {
		t.Fatal("esc did not go back to the menu")
	}
	press(a, "enter") // the menu's cursor is on the topic left
	if a.screen != r || r.st.steps != 200 || r.st.v.Int("walkers") != 500 || r.st.seed != 3 {
		t.Fatalf("back on diffusion: same screen %v, step %d, walkers %d, seed %d", a.screen == r, r.st.steps, r.st.v.Int("walkers"), r.st.seed)
	}
	if xs, _ := unitOf(r).(*diffusion).d.Positions(); xs[7] != x0 {
		t.Fatalf("walker 7 moved from %v to %v while away", x0, xs[7])
	}
	press(a, "4", "1") // perceptron, then back
	if a.screen != r || r.st.steps != 200 {
		t.Fatalf("after a jump and back: step %d", r.st.steps)
	}
	// a running screen left and come back to runs again
	press(a, " ")
	if !r.st.running {
		t.Fatal("space did not run")
	}
	press(a, "esc", "enter")
	if !r.st.running || r.Resume() == nil {
		t.Fatal("the run was not resumed")
	}
}

// → is not "one step": on a side panel it does nothing to the run; on the
// Parameters panel of a run with work in it, it stages the change, shown
// with *, and only enter applies it (esc drops it).
func TestRightArrowNeverDestroysWork(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Diffusion, Values: topic.Diffusion.Defaults(), Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := runnerOf(t, a)
	press(a, "n", "n", "n")
	press(a, "tab", "right", "right") // the Theory panel
	if r.st.steps != 3 {
		t.Fatalf("→ on a side panel: step %d, want 3", r.st.steps)
	}
	press(a, "shift+tab") // back to Parameters; mode is selected
	mode := r.st.v.Choice("mode")
	press(a, "right")
	if r.st.steps != 3 || r.st.v.Choice("mode") != mode || r.staged == nil || r.staged.Choice("mode") == mode {
		t.Fatalf("→ on Parameters: step %d, mode %s, staged %v", r.st.steps, r.st.v.Choice("mode"), r.staged != nil)
	}
	if !strings.Contains(a.View(), "*") || !strings.Contains(a.View(), "enter restarts") {
		t.Fatalf("the staged change is not shown:\n%s", a.View())
	}
	press(a, "esc")
	if r.staged != nil || a.screen != r || r.st.steps != 3 {
		t.Fatalf("esc: staged %v, on the screen %v, step %d", r.staged != nil, a.screen == r, r.st.steps)
	}
	press(a, "right", "enter")
	if r.staged != nil || r.st.steps != 0 || r.st.v.Choice("mode") == mode {
		t.Fatalf("enter: staged %v, step %d, mode %s", r.staged != nil, r.st.steps, r.st.v.Choice("mode"))
	}
	// with nothing run yet a change applies at once
	press(a, "right")
	if r.staged != nil {
		t.Fatal("a change to a fresh run was staged")
	}
}

// A trained backprop net, then → and the training is still there; a
// restart parameter is staged, not applied.
func TestTrainedBackpropKeepsTraining(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Backprop, Values: topic.Backprop.Defaults(), Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := runnerOf(t, a)
	for range 30 {
		press(a, "n")
	}
	press(a, "right", "down", "right", "left", "right")
	if r.st.steps != 30 {
		t.Fatalf("after → on a trained net: step %d, want 30", r.st.steps)
	}
	if r.staged == nil {
		t.Fatal("no change staged")
	}
	press(a, "tab", "right")
	if r.st.steps != 30 {
		t.Fatalf("→ on a side panel: step %d", r.st.steps)
	}
}

// While "terminal too small" is shown no key acts, but q quits.
func TestTooSmallTakesNoKeys(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Diffusion, Values: topic.Diffusion.Defaults(), Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	r := runnerOf(t, a)
	press(a, "n", " ", "esc", "r", "2")
	if a.screen != r || r.st.steps != 0 || r.st.running {
		t.Fatalf("keys acted while too small: on the screen %v, step %d, running %v", a.screen == r, r.st.steps, r.st.running)
	}
	if _, cmd := a.Update(keyMsg("q")); cmd == nil {
		t.Fatal("q did not quit")
	}
}

// epochs means the same live and headless: a live backprop run pauses at
// the end of its epoch and says so; space goes on.
func TestLiveRunPausesAtItsEpochs(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Backprop, Values: topic.Backprop.Defaults(), Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := runnerOf(t, a)
	bp := unitOf(r).(*backprop)
	press(a, " ")
	for i := 0; r.st.running && i < 100000; i++ {
		a.Update(tickMsg{r.gen})
	}
	if r.st.running || bp.tr.Epoch != 1 || !strings.Contains(a.View(), "1 epoch(s) trained: paused") {
		t.Fatalf("running %v, epoch %d, batches %d:\n%s", r.st.running, bp.tr.Epoch, bp.tr.Batches, a.View())
	}
	press(a, " ")
	a.Update(tickMsg{r.gen})
	if !r.st.running || bp.tr.Epoch != 1 || bp.tr.Batches <= bp.tr.BatchesPerEpoch() {
		t.Fatalf("space did not go on: running %v, batches %d", r.st.running, bp.tr.Batches)
	}
}

// One registry: every topic of topic.All has a screen here and a golden
// file of it.
func TestEveryTopicHasAScreenAndAGolden(t *testing.T) {
	for _, tp := range topic.All {
		if !Openable(tp.ID) {
			t.Errorf("topic %s has no screen", tp.ID)
		}
		name := "TestGolden" + strings.ToUpper(tp.ID[:1]) + tp.ID[1:]
		_, e1 := os.Stat(filepath.Join("testdata", name+".golden"))
		_, e2 := os.Stat(filepath.Join("testdata", name))
		if e1 != nil && e2 != nil {
			t.Errorf("topic %s has no golden (testdata/%s.golden or testdata/%s/)", tp.ID, name, name)
		}
	}
	for id := range screens {
		if _, err := topic.Lookup(id); err != nil {
			t.Errorf("screen %s has no topic: %v", id, err)
		}
	}
}

// The share line reproduces the screen: run headless, it ends at the
// screen's step with the screen's MSD; jclub open with it lands there too.
func TestShareLineReproducesTheScreen(t *testing.T) {
	v := topic.Diffusion.Defaults()
	v.Set("walkers", "400")
	a := newTestApp(Options{Topic: topic.Diffusion, Values: v, Seed: 9})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := runnerOf(t, a)
	for range 137 {
		press(a, "n")
	}
	line := r.Command()
	if !strings.Contains(line, "--steps 137") || !strings.Contains(line, "--seed 9") {
		t.Fatalf("share line %q", line)
	}
	op, err := topic.ParseOpen(strings.Fields(line)[2:])
	if err != nil {
		t.Fatal(err)
	}
	var rows topic.Rows
	if err := op.Topic.Run(op.Values, op.Seed, op.Steps, 1000, &rows); err != nil {
		t.Fatal(err)
	}
	last := rows.Rows[len(rows.Rows)-1]
	msd, _ := unitOf(r).(*diffusion).d.MSD()
	if last[0] != unitOf(r).(*diffusion).d.T() || last[1] != msd {
		t.Fatalf("headless ends at t = %v, MSD %v; the screen at t = %v, MSD %v", last[0], last[1], unitOf(r).(*diffusion).d.T(), msd)
	}
	b := newTestApp(Options{Topic: op.Topic, Values: op.Values, Seed: op.Seed, Steps: op.Steps})
	b.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	rb := runnerOf(t, b)
	if m, _ := unitOf(rb).(*diffusion).d.MSD(); rb.st.steps != 137 || m != msd {
		t.Fatalf("jclub open with the share line: step %d, MSD %v", rb.st.steps, m)
	}
}

// The menu finds a topic by what is typed after /: q types, esc clears,
// enter opens the match.
func TestMenuFilter(t *testing.T) {
	a := newTestApp(Options{})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	press(a, "/", "q")
	if a.menu.filter != "q" || !a.menu.filtering {
		t.Fatalf("q while filtering: filter %q", a.menu.filter)
	}
	press(a, "esc")
	if a.menu.filtering || a.menu.filter != "" {
		t.Fatal("esc did not clear the filter")
	}
	press(a, "/", "b", "o", "l", "t")
	if v := a.View(); !strings.Contains(v, "find: bolt") || strings.Contains(v, "diffusion") {
		t.Fatalf("filtered menu:\n%s", v)
	}
	press(a, "enter")
	if a.screen == nil || a.screen.Topic() != topic.Boltzmann {
		t.Fatalf("enter opened %v", a.screen)
	}
}

// unitOf is the unit a runner drives.
func unitOf(r *runner) unit { return r.st.u }

// Two views draw one state, each at its own size: a step taken through
// one shows in both.
func TestTwoViewsOneState(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Diffusion, Seed: 4})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	r := runnerOf(t, a)
	other := r.view(NewCommon(asciiRenderer()))
	other.SetSize(200, 59)
	press(a, "n", "n", "n")
	other.Update(keyMsg("tab")) // the follower's own panel choice
	for _, v := range []struct {
		view string
		w, h int
	}{{r.View(), 80, 23}, {other.View(), 200, 59}} {
		lines := strings.Split(v.view, "\n")
		if len(lines) != v.h || !strings.Contains(lines[0], "step 3 ") {
			t.Fatalf("a view at %d×%d: %d lines, status %q", v.w, v.h, len(lines), lines[0])
		}
	}
	if r.tab != 0 || other.tab != 1 {
		t.Fatalf("the panel choice leaked between views: %d, %d", r.tab, other.tab)
	}
}

// A copy of a state is deep: stepped alike, the copy and the original stay
// identical (weights and random streams copied), and stepping the copy
// leaves the original alone.
func TestCloneRunsOnAlone(t *testing.T) {
	for _, e := range everyExperiment(t) {
		t.Run(e.name, func(t *testing.T) {
			a := newTestApp(Options{Topic: e.t, Values: e.v, Seed: 3})
			a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
			r := runnerOf(t, a)
			r.Advance(7)
			cp := &runner{c: r.c, d: newDrawer(r.c), st: r.st.clone()}
			cp.SetSize(100, 29)
			drawn := func(r *runner) string { r.render(false); return r.View() }
			before := drawn(r)
			cp.Advance(5)
			if drawn(r) != before {
				t.Fatal("stepping the copy changed the original")
			}
			r.Advance(5)
			if got, want := drawn(cp), drawn(r); got != want {
				t.Fatalf("the copy and the original differ after the same steps:\n%s\n---\n%s", got, want)
			}
		})
	}
}

// Esc in Hopfield's drawing mode ends the drawing and stays on the topic;
// the bottom bar shows the drawing keys while drawing.
func TestEscEndsDrawing(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Hopfield, Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := runnerOf(t, a)
	press(a, "e")
	if bar := a.View(); !strings.Contains(bar, "store as a memory") {
		t.Fatalf("the bottom bar does not show the drawing keys:\n%s", bar)
	}
	press(a, "esc")
	if a.screen != r || unitOf(r).(*hopfield).editing {
		t.Fatal("esc while drawing left the topic or kept drawing")
	}
}
