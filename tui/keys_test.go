package tui

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/jclub/jclub/topic"
)

// every key the explorer knows, and some it doesn't
var allKeys = []string{
	" ", "n", "right", "left", "up", "down", "+", "-", "=", "_", "r", "s", "tab", "shift+tab",
	"g", "?", "x", "enter", "backspace", "pgdown", "home", "f1", "k", "j", "h", "l", "0", "é", "ß",
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "esc",
}

var sizes = [][2]int{{0, 0}, {1, 1}, {20, 5}, {79, 24}, {80, 23}, {80, 24}, {100, 30}, {250, 80}}

// tick delivers the running screen's pending tick, as the timer would.
func tick(a *App) {
	if r, ok := a.screen.(*runner); ok && r.st.running {
		a.Update(tickMsg{r.gen})
	}
}

// drive sends every key at every size, with ticks in between, checking
// that each view fits the window and shows no NaN.
func drive(t *testing.T, a *App, label string) {
	t.Helper()
	driveAt(t, a, label, sizes)
}

func driveAt(t *testing.T, a *App, label string, sizes [][2]int) {
	t.Helper()
	for _, sz := range sizes {
		a.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, k := range allKeys {
			a.Update(keyMsg(k))
			tick(a)
			check(t, a, fmt.Sprintf("%s at %dx%d after %q", label, sz[0], sz[1], k))
		}
		for _, b := range []tea.MouseButton{tea.MouseButtonLeft, tea.MouseButtonWheelDown} {
			for y := -1; y < sz[1]+2; y += 3 {
				a.Update(tea.MouseMsg{X: 5, Y: y, Button: b, Action: tea.MouseActionPress})
				check(t, a, fmt.Sprintf("%s at %dx%d after a click at y=%d", label, sz[0], sz[1], y))
			}
		}
	}
}

// nanOrInf is how Go prints a NaN or an infinity (not the word
// "Information").
var nanOrInf = regexp.MustCompile(`NaN|[+-]?Inf\b`)

func check(t *testing.T, a *App, where string) {
	t.Helper()
	v := a.View()
	if nanOrInf.MatchString(v) {
		t.Fatalf("%s: NaN or Inf on screen:\n%s", where, v)
	}
	if a.w == 0 || a.h == 0 {
		if v != "" {
			t.Fatalf("%s: drew %q in a 0-sized window", where, v)
		}
		return
	}
	lines := strings.Split(v, "\n")
	if len(lines) != a.h {
		t.Fatalf("%s: %d lines in a window %d high", where, len(lines), a.h)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != a.w {
			t.Fatalf("%s: line %d is %d wide in a window %d wide: %q", where, i, w, a.w, l)
		}
	}
}

func TestEveryKeyEverySize(t *testing.T) {
	drive(t, newTestApp(Options{}), "menu")
	for _, tp := range topic.All {
		if !Openable(tp.ID) {
			continue
		}
		// every choice of every choice parameter (the modes first), at
		// the sizes where layouts differ; the defaults at every size
		for _, p := range tp.Params {
			if p.Kind != topic.Choice {
				continue
			}
			for _, choice := range p.Choices {
				v := tp.Defaults()
				if err := v.Set(p.Name, choice); err != nil {
					t.Fatal(err)
				}
				a := newTestApp(Options{Topic: tp, Values: v, Seed: 3})
				driveAt(t, a, tp.ID+"/"+p.Name+"="+choice, [][2]int{{80, 24}, {250, 80}})
			}
		}
		drive(t, newTestApp(Options{Topic: tp, Seed: 1}), tp.ID)
	}
}

// Parameters at the ends of their ranges, run for a while, never put NaN
// or garbage on screen.
func TestExtremeParameters(t *testing.T) {
	for _, tp := range topic.All {
		if !Openable(tp.ID) {
			continue
		}
		for i, p := range tp.Params {
			if p.Kind == topic.Choice || p.Kind == topic.Text {
				continue
			}
			for _, end := range []float64{p.Min, p.Max} {
				v := tp.Defaults()
				if err := v.Set(p.Name, fmt.Sprint(end)); err != nil {
					t.Fatal(err)
				}
				a := newTestApp(Options{Topic: tp, Values: v, Seed: 2})
				a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
				for range 30 {
					a.Update(keyMsg("n"))
				}
				a.Update(keyMsg("g"))
				check(t, a, fmt.Sprintf("%s --%s %v (param %d)", tp.ID, p.Name, end, i))
			}
		}
	}
}

// A paused screen asks for no tick, and ticks from before a pause, a reset
// or a screen switch are dropped without scheduling another.
func TestPausedScreenSchedulesNoTick(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Diffusion, Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := a.screen.(*runner)
	if _, cmd := a.Update(keyMsg(" ")); cmd == nil || !r.st.running {
		t.Fatal("space did not start a tick loop")
	}
	old := r.gen
	if _, cmd := a.Update(tickMsg{old}); cmd == nil {
		t.Fatal("a running screen did not ask for its next tick")
	}
	if r.st.steps == 0 {
		t.Fatal("a tick took no step")
	}
	if _, cmd := a.Update(keyMsg(" ")); cmd != nil || r.st.running {
		t.Fatal("pausing scheduled something")
	}
	steps := r.st.steps
	if _, cmd := a.Update(tickMsg{old}); cmd != nil || r.st.steps != steps {
		t.Fatal("a stale tick after pause was acted on")
	}
	if _, cmd := a.Update(tickMsg{r.gen}); cmd != nil || r.st.steps != steps {
		t.Fatal("a tick while paused was acted on")
	}
	// resume, then leave: the old screen's tick is dropped
	a.Update(keyMsg(" "))
	gen := r.gen
	a.Update(keyMsg("esc"))
	if _, cmd := a.Update(tickMsg{gen}); cmd != nil {
		t.Fatal("a tick after leaving the screen scheduled another")
	}
	// two starts never make two loops: the first loop's tick is stale
	a.Update(keyMsg("1"))
	r = a.screen.(*runner)
	a.Update(keyMsg(" "))
	first := r.gen
	a.Update(keyMsg(" "))
	a.Update(keyMsg(" "))
	if _, cmd := a.Update(tickMsg{first}); cmd != nil {
		t.Fatal("the first loop survived a pause and resume")
	}
}

func TestTooSmall(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Diffusion})
	a.Update(tea.WindowSizeMsg{Width: 79, Height: 30})
	if !strings.Contains(a.View(), "terminal too small (need 80×24") {
		t.Fatalf("got %q", a.View())
	}
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if strings.Contains(a.View(), "too small") {
		t.Fatal("80×24 is big enough")
	}
}

func TestMenuOpensOnlyBuiltTopics(t *testing.T) {
	a := newTestApp(Options{})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	a.Update(keyMsg("9")) // no ninth topic: nothing opens
	a.Update(keyMsg("1"))
	if a.screen == nil || a.screen.Topic().ID != "diffusion" {
		t.Fatal("1 did not open diffusion")
	}
	a.Update(keyMsg("esc"))
	if a.screen != nil {
		t.Fatal("esc did not go back")
	}
	// a click on the diffusion line opens it
	a.View()
	for y := 0; y < 30; y++ {
		if tp := a.menu.at(y); tp != nil && tp.ID == "diffusion" {
			a.Update(tea.MouseMsg{X: 10, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
		}
	}
	if a.screen == nil {
		t.Fatal("clicking diffusion did not open it")
	}
	_, cmd := a.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

// Every topic with a headless run has a screen and vice versa.
func TestRegistryConsistent(t *testing.T) {
	for _, tp := range topic.All {
		if tp.Built() != Openable(tp.ID) {
			t.Errorf("%s: built %v, openable %v", tp.ID, tp.Built(), Openable(tp.ID))
		}
	}
}

// Changing a parameter restarts the run with the new value; a calculator
// parameter leaves the run alone.
func TestParameterPanel(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Diffusion, Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := a.screen.(*runner)
	a.Update(keyMsg("n"))
	a.Update(keyMsg("down")) // walkers
	a.Update(keyMsg("right"))
	if r.st.v.Int("walkers") != 300 || r.staged == nil || r.staged.Int("walkers") != 500 || r.st.steps != 1 {
		t.Fatalf("after a step, → should stage: walkers %d, steps %d", r.st.v.Int("walkers"), r.st.steps)
	}
	a.Update(keyMsg("enter"))
	if r.st.v.Int("walkers") != 500 || r.st.steps != 0 {
		t.Fatalf("walkers %d, steps %d", r.st.v.Int("walkers"), r.st.steps)
	}
	if !strings.Contains(r.Command(), "--walkers 500 --steps 0 --seed 1") {
		t.Fatalf("share line: %s", r.Command())
	}
	a.Update(keyMsg("n"))
	for r.st.v.Params()[r.sel].Name != "temp" {
		a.Update(keyMsg("down"))
	}
	a.Update(keyMsg("right"))
	if r.st.steps != 1 {
		t.Fatal("a calculator parameter restarted the run")
	}
	if got := r.st.v.Float("temp"); got != 298.15 {
		t.Fatalf("temp = %v", got)
	}
}

// Drawing on the Hopfield grid: keys move a cursor and flip spins, enter
// stores the drawing as a new memory, and a click flips the spin under it.
func TestHopfieldDrawing(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Hopfield, Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := a.screen.(*runner)
	h := unitOf(r).(*hopfield)
	net := h.net
	a.Update(keyMsg("e"))
	if !h.editing {
		t.Fatal("e did not start drawing")
	}
	a.Update(keyMsg("c")) // clear: all −1
	for _, s := range net.S {
		if s != -1 {
			t.Fatal("c did not clear")
		}
	}
	a.Update(keyMsg("right"))
	a.Update(keyMsg("down"))
	a.Update(keyMsg(" "))
	w := 16
	if net.S[w+1] != 1 {
		t.Fatalf("space did not flip the spin under the cursor at %d", h.cursor)
	}
	if r.st.running || r.st.steps != 0 {
		t.Fatal("keys in drawing mode reached the runner")
	}
	before := len(net.Xi)
	a.Update(keyMsg("enter"))
	if len(net.Xi) != before+1 {
		t.Fatal("enter did not store the drawing")
	}
	a.Update(keyMsg("e"))
	if h.editing {
		t.Fatal("e did not end drawing")
	}
	// click the grid (a third of the way across its box, the key to the
	// cells is on its right): the spin under it flips, and only it
	a.View()
	main := r.at[0].r
	old := append([]float64(nil), net.S...)
	x, y := main.x+main.w/3, main.y+main.h/2
	a.Update(tea.MouseMsg{X: x, Y: y + 1, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	changed := 0
	for i := range old {
		if net.S[i] != old[i] {
			changed++
		}
	}
	if changed != 1 {
		t.Fatalf("a click at (%d,%d) flipped %d spins, want 1", x, y+1, changed)
	}
	if math.Abs(net.E-net.Energy()) > 1e-9 {
		t.Fatal("energy out of step after hand flips")
	}
}

// Temperature is live: changing it leaves the run going with the new T.
func TestHopfieldLiveTemperature(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Hopfield, Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := a.screen.(*runner)
	a.Update(keyMsg("n"))
	for r.st.v.Params()[r.sel].Name != "temp" {
		a.Update(keyMsg("down"))
	}
	a.Update(keyMsg("right"))
	h := unitOf(r).(*hopfield)
	if r.st.steps != 1 || h.net.Params().Temp != 0.05 {
		t.Fatalf("steps %d, T %v", r.st.steps, h.net.Params().Temp)
	}
}

// Switching the anomalous model keeps the target exponent: ctrw α = 0.5
// becomes fBm with H = 0.25.
func TestAnomalousSwitchKeepsAlpha(t *testing.T) {
	a := newTestApp(Options{Topic: topic.Anomalous, Seed: 1})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	r := a.screen.(*runner)
	for range 3 { // ctrw → levywalk → crowded → fbm
		a.Update(keyMsg("right"))
	}
	if r.st.v.Choice("model") != "fbm" || r.st.v.Float("hurst") != 0.25 {
		t.Fatalf("model %s, hurst %v", r.st.v.Choice("model"), r.st.v.Float("hurst"))
	}
	a.Update(keyMsg("left")) // back through crowded (no α) leaves hurst alone
	a.Update(keyMsg("left"))
	a.Update(keyMsg("left"))
	if r.st.v.Choice("model") != "ctrw" || r.st.v.Float("alpha") != 0.5 {
		t.Fatalf("model %s, alpha %v", r.st.v.Choice("model"), r.st.v.Float("alpha"))
	}
}
