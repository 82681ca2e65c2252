package tui

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return r
}

func newTestApp(o Options) *App {
	o.Renderer = asciiRenderer()
	return New(o)
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "f1":
		return tea.KeyMsg{Type: tea.KeyF1}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// the final view of a program driven through keys, for golden files
func finalView(t *testing.T, o Options, w, h int, keys ...string) string {
	t.Helper()
	tm := teatest.NewTestModel(t, newTestApp(o), teatest.WithInitialTermSize(w, h))
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
}

func TestGoldenMenu(t *testing.T) {
	v := finalView(t, Options{}, 100, 30)
	golden.RequireEqual(t, []byte(v))
}

// On a large terminal the home screen shows the selected topic's papers,
// questions and a preview of its screen beside the list.
func TestGoldenMenuWide(t *testing.T) {
	v := finalView(t, Options{}, 160, 45, "down", "down", "down", "down")
	if !strings.Contains(v, "Hopfield 1982") || !strings.Contains(v, "preview: a fresh run, step 300") {
		t.Fatalf("no papers or preview for hopfield:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenDiffusion(t *testing.T) {
	v := finalView(t, Options{}, 100, 30, append([]string{"enter"}, repeat("n", 10)...)...)
	if !strings.Contains(v, "step 10") {
		t.Fatalf("not at step 10:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenDiffusionTabs(t *testing.T) {
	d := topic.Diffusion
	vals := d.Defaults()
	if err := vals.Set("mode", "langevin"); err != nil {
		t.Fatal(err)
	}
	v := finalView(t, Options{Topic: d, Values: vals, Seed: 7}, 100, 30, "n", "n", "g", "tab")
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenPerceptron(t *testing.T) {
	v := finalView(t, Options{Topic: topic.Perceptron, Seed: 2}, 100, 30, "n", "n", "n", "n", "n")
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenPerceptronCover(t *testing.T) {
	vals := topic.Perceptron.Defaults()
	_ = vals.Set("experiment", "cover")
	_ = vals.Set("dim", "10")
	keys := repeat("n", 30)
	v := finalView(t, Options{Topic: topic.Perceptron, Values: vals, Seed: 2}, 100, 30, keys...)
	golden.RequireEqual(t, []byte(v))
}

// The control topic's four experiments after a few steps.
func TestGoldenControl(t *testing.T) {
	for _, exp := range []string{topic.ExpKalman, topic.ExpLQR, topic.ExpLQG, topic.ExpSensorimotor} {
		t.Run(exp, func(t *testing.T) {
			vals := topic.Control.Defaults()
			_ = vals.Set("experiment", exp)
			v := finalView(t, Options{Topic: topic.Control, Values: vals, Seed: 1}, 100, 30, repeat("n", 12)...)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// The information topic's four experiments after a few steps.
func TestGoldenInformation(t *testing.T) {
	for _, exp := range []string{topic.ExpEntropy, topic.ExpChannel, topic.ExpRateDistortion, topic.ExpLaughlin, topic.ExpPlane} {
		t.Run(exp, func(t *testing.T) {
			vals := topic.Information.Defaults()
			_ = vals.Set("experiment", exp)
			_ = vals.Set("channel", "z")
			v := finalView(t, Options{Topic: topic.Information, Values: vals, Seed: 1}, 100, 30, repeat("n", 12)...)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// The ica topic's experiments after some updates.
func TestGoldenIca(t *testing.T) {
	for _, c := range []struct {
		name string
		set  map[string]string
	}{{"two", nil}, {"five", map[string]string{"sources": "5", "kind": "mixed", "algorithm": "extended"}}, {"patches", map[string]string{"experiment": "patches"}}} {
		t.Run(c.name, func(t *testing.T) {
			vals := topic.ICA.Defaults()
			for k, v := range c.set {
				_ = vals.Set(k, v)
			}
			v := finalView(t, Options{Topic: topic.ICA, Values: vals, Seed: 1, Steps: 20}, 100, 30, repeat("n", 3)...)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// The rnn topic's tasks after some sequences.
func TestGoldenRnn(t *testing.T) {
	for _, task := range models.RNNTasks {
		t.Run(task, func(t *testing.T) {
			vals := topic.RNN.Defaults()
			_ = vals.Set("task", task)
			v := finalView(t, Options{Topic: topic.RNN, Values: vals, Seed: 1, Steps: 50}, 100, 30, repeat("n", 3)...)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// The rl topic's tasks, some way into their runs.
func TestGoldenRl(t *testing.T) {
	for _, env := range []string{topic.EnvGridworld, topic.EnvRandomWalk, topic.EnvWindy, topic.EnvCliff, topic.EnvConditioning, topic.EnvCartPole} {
		t.Run(env, func(t *testing.T) {
			vals := topic.RL.Defaults()
			_ = vals.Set("env", env)
			v := finalView(t, Options{Topic: topic.RL, Values: vals, Seed: 1, Steps: 2000}, 100, 30, repeat("n", 3)...)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

func TestGoldenHopfield(t *testing.T) {
	keys := repeat("n", 40)
	v := finalView(t, Options{Topic: topic.Hopfield, Seed: 1}, 100, 30, keys...)
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenHopfieldCapacity(t *testing.T) {
	vals := topic.Hopfield.Defaults()
	_ = vals.Set("capacity", "true")
	_ = vals.Set("n", "100")
	keys := repeat("n", 60)
	v := finalView(t, Options{Topic: topic.Hopfield, Values: vals, Seed: 1}, 100, 30, keys...)
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenAnomalous(t *testing.T) {
	keys := repeat("n", 25)
	v := finalView(t, Options{Topic: topic.Anomalous, Seed: 1}, 100, 30, keys...)
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenAnomalousLevy(t *testing.T) {
	vals := topic.Anomalous.Defaults()
	_ = vals.Set("jump", "stable")
	_ = vals.Set("mu", "1.2")
	keys := append(repeat("n", 20), "v", "v")
	v := finalView(t, Options{Topic: topic.Anomalous, Values: vals, Seed: 1}, 100, 30, keys...)
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenReynolds(t *testing.T) {
	for _, model := range []string{"scallop", "swimmer", "ecoli"} {
		t.Run(model, func(t *testing.T) {
			vals := topic.Reynolds.Defaults()
			_ = vals.Set("model", model)
			keys := repeat("n", 250)
			keys = append(keys, "tab")
			v := finalView(t, Options{Topic: topic.Reynolds, Values: vals, Seed: 1}, 100, 30, keys...)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

func TestGoldenBackprop(t *testing.T) {
	keys := repeat("n", 30)
	keys = append(keys, "m", "v")
	v := finalView(t, Options{Topic: topic.Backprop, Seed: 1}, 100, 30, keys...)
	golden.RequireEqual(t, []byte(v))
}

// The CNN after 20 batches with its digit moved two pixels right and one
// down: the filters and maps, then the shift chart.
func TestGoldenCnn(t *testing.T) {
	keys := repeat("n", 20)
	keys = append(keys, "L", "L", "J")
	for _, view := range []string{"maps", "shifts"} {
		t.Run(view, func(t *testing.T) {
			v := finalView(t, Options{Topic: topic.CNN, Seed: 1}, 100, 30, keys...)
			golden.RequireEqual(t, []byte(v))
		})
		keys = append(keys, "v")
	}
}

func TestGoldenBoltzmann(t *testing.T) {
	for _, part := range []string{"encoder", "rbm"} {
		t.Run(part, func(t *testing.T) {
			vals := topic.Boltzmann.Defaults()
			_ = vals.Set("part", part)
			keys := repeat("n", 20)
			keys = append(keys, "v")
			v := finalView(t, Options{Topic: topic.Boltzmann, Values: vals, Seed: 1}, 100, 30, keys...)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

func TestGoldenDeep(t *testing.T) {
	vals := topic.Deep.Defaults()
	_ = vals.Set("layers", "100")
	_ = vals.Set("pretrain", "3")
	keys := repeat("n", 8)
	v := finalView(t, Options{Topic: topic.Deep, Values: vals, Seed: 1}, 100, 30, keys...)
	golden.RequireEqual(t, []byte(v))
}

// repeat is n copies of key.
func repeat(key string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = key
	}
	return out
}

// Every experiment after 30 steps at 80×24 and 200×60 in 256 colours, and
// at 100×30 without colour (NO_COLOR).
func TestGoldenEveryExperiment(t *testing.T) {
	for _, e := range everyExperiment(t) {
		for _, c := range []struct {
			name   string
			w, h   int
			colour bool
		}{{"80x24", 80, 24, true}, {"200x60", 200, 60, true}, {"100x30-nocolor", 100, 30, false}} {
			t.Run(strings.NewReplacer("/", "-", "map[", "", "]", "", ":", "=", " ", "_").Replace(e.name)+"/"+c.name, func(t *testing.T) {
				r := asciiRenderer()
				if c.colour {
					r.SetColorProfile(termenv.ANSI256)
				}
				a := New(Options{Topic: e.t, Values: e.v, Seed: 1, Steps: 30, Renderer: r})
				a.Update(tea.WindowSizeMsg{Width: c.w, Height: c.h})
				golden.RequireEqual(t, []byte(a.View()))
			})
		}
	}
}
