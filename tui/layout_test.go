package tui

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/jclub/jclub/topic"
)

// anExperiment is one unit of a topic with values that step it quickly.
type anExperiment struct {
	name string
	t    *topic.Topic
	v    topic.Values
}

// everyExperiment lists each experiment of each topic: every value of its
// experiment parameter. The deep nets are small so that they fine-tune
// within a few steps.
func everyExperiment(t *testing.T) []anExperiment {
	var out []anExperiment
	for _, tp := range topic.All {
		if !Openable(tp.ID) {
			continue
		}
		base := tp.Defaults()
		if tp == topic.Deep {
			for name, val := range map[string]string{"layers": "100", "pretrain": "3", "budget": "30"} {
				if err := base.Set(name, val); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, variant := range variants[tp.ID] {
			v := base.Clone()
			for name, val := range variant {
				if err := v.Set(name, val); err != nil {
					t.Fatal(err)
				}
			}
			out = append(out, anExperiment{fmt.Sprintf("%s/%v", tp.ID, variant), tp, v})
		}
		k := topic.ExperimentParam(tp.Params)
		if k < 0 {
			out = append(out, anExperiment{tp.ID, tp, base})
			continue
		}
		p := tp.Params[k]
		choices := p.Choices
		if p.Kind == topic.Bool {
			choices = []string{"false", "true"}
		}
		for _, c := range choices {
			v := base.Clone()
			if err := v.Set(p.Name, c); err != nil {
				t.Fatal(err)
			}
			out = append(out, anExperiment{tp.ID + "/" + c, tp, v})
		}
	}
	return out
}

// variants are settings beyond the experiments' defaults that draw
// differently: bigger machines and nets, other laws.
var variants = map[string][]map[string]string{
	"boltzmann":  {{"size": "8-3-8"}},
	"hopfield":   {{"n": "1024", "patterns": "20", "kind": "random"}},
	"anomalous":  {{"jump": "stable", "mu": "1.2"}},
	"perceptron": {{"data": "xor"}},
	"deep":       {{"layers": "100,100,100,100"}},
	"control":    {{"qscale": "0.1", "model": "ca"}, {"experiment": "sensorimotor", "external": "-0.1"}},
	"information": {{"experiment": "channel", "channel": "z", "crossover": "0.3"}, {"experiment": "ratedistortion", "source": "gaussian"},
		{"dist": "zipf", "symbols": "256", "batch": "100"}, {"experiment": "plane", "activation": "relu"}},
	"ica": {{"sources": "5", "kind": "mixed", "algorithm": "extended"}, {"algorithm": "infomax", "compare": "true", "condition": "100"},
		{"sources": "10", "algorithm": "fastica", "deflation": "true", "contrast": "kurtosis"}, {"kind": "gauss"}},
	"cnn": {{"arch": "lenet1"}},
	"rnn": {{"task": "letters", "model": "lstm", "hidden": "12"}, {"task": "adding", "model": "srn", "length": "40", "compare": "true"}},
	"rl": {{"env": "gridworld", "agent": "td", "lambda": "0.5"}, {"env": "gridworld", "agent": "qlearning", "versus": "expected-sarsa"},
		{"env": "cliff", "agent": "dp", "dp": "policy"}, {"env": "randomwalk", "agent": "mc", "versus": "none"}},
}

// cut finds an ellipsis right after a digit, a sign or "=": a number cut.
var cut = regexp.MustCompile(`[0-9+\-−=±.,×%]…`)

// number is a number as the screens print them.
var number = regexp.MustCompile(`[-+−]?[0-9][0-9.,]*(e[-+][0-9]+)?`)

// flat is a drawn box as one line of plain text: borders and styles gone.
func flat(s string) string {
	s = ansi.Strip(s)
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune("│╭╮╰╯─", r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// checkNoCut fails if a line of the screen cuts a number, or if a number a
// box's title or legend (or the last update) holds is missing from what the
// layout drew of it.
func checkNoCut(t *testing.T, a *App, w, h int, when string) {
	t.Helper()
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	view := a.View()
	for i, line := range strings.Split(view, "\n") {
		if m := cut.FindString(ansi.Strip(line)); m != "" {
			t.Errorf("%s at %d×%d: line %d cuts a number (%q):\n%s", when, w, h, i, m, view)
			return
		}
	}
	r := a.screen.(*runner)
	_, at := r.c.place(r.st.u.layout(r.d), r.w, r.h-1, r.panelView)
	for _, p := range at {
		drawn := map[string]int{} // how many times each number was drawn
		for _, n := range number.FindAllString(flat(p.out), -1) {
			drawn[n]++
		}
		for _, n := range number.FindAllString(ansi.Strip(p.b.title+" "+p.b.legend+" "+strings.Join(p.b.essential, " ")), -1) {
			if drawn[n]--; drawn[n] < 0 {
				t.Errorf("%s at %d×%d: %s is not on the screen in the box %q:\n%s", when, w, h, n, p.b.title, view)
				return
			}
		}
	}
}

// Every experiment of every topic, at 80×24, 100×30 and 200×60, after one
// step and after running: no line cuts a number, and every number a box
// means to show is shown.
func TestNothingCut(t *testing.T) {
	sizes := [][2]int{{80, 24}, {100, 30}, {200, 60}}
	for _, e := range everyExperiment(t) {
		for _, seed := range []uint64{2, 7} {
			t.Run(fmt.Sprintf("%s/seed%d", e.name, seed), func(t *testing.T) { nothingCut(t, e, seed, sizes) })
		}
	}
}

func nothingCut(t *testing.T, e anExperiment, seed uint64, sizes [][2]int) {
	a := newTestApp(Options{Topic: e.t, Values: e.v, Seed: seed})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, sz := range sizes {
		checkNoCut(t, a, sz[0], sz[1], "fresh")
	}
	press(a, "n")
	for _, sz := range sizes {
		checkNoCut(t, a, sz[0], sz[1], "after one step")
	}
	r := a.screen.(*runner)
	press(a, " ")
	for range 30 { // about a third of a second of compute at most
		if !r.st.running {
			break
		}
		a.Update(tickMsg{r.gen})
	}
	for _, sz := range sizes {
		checkNoCut(t, a, sz[0], sz[1], fmt.Sprintf("running, step %d", r.st.steps))
	}
}

// Titles give up words before numbers, and are cut only at spaces.
func TestShorten(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want string
	}{
		{"MSD vs t · linear (g)", 40, "MSD vs t · linear (g)"},
		{"separable fraction against P/N · N = 20", 27, "separable fraction · N = 20"},
		{"recall against load p/N · N = 256 · random · cue 20% flipped", 35, "recall · N = 256 · cue 20% flipped"},
		{"weights of hidden units (dots: w above the mean)", 30, "weights of hidden units"},
		{"a 12345 b 67890", 12, "a 12345 b …"},
	}
	for _, c := range cases {
		got := shorten(c.in, c.w)
		if got != c.want || ansi.StringWidth(got) > c.w {
			t.Errorf("shorten(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
		if cut.MatchString(got) {
			t.Errorf("shorten(%q, %d) = %q cuts a number", c.in, c.w, got)
		}
	}
	if !cut.MatchString("x = 0.12…") || !cut.MatchString("Δ = -…") || cut.MatchString("the mean …") {
		t.Error("the cut pattern misses a cut number or flags a word")
	}
}

// A table too big for its box leaves out whole rows and columns and says
// how many; it never cuts a cell.
func TestTableLeavesOutWhole(t *testing.T) {
	header := []string{"a", "bb", "ccccccccccccccc"}
	rows := [][]string{{"1", "22", "333"}, {"4", "55", "666"}, {"7", "88", "999"}}
	for w, note := range map[int]string{19: "+2 rows, +1 columns", 8: "+2r +1c"} {
		if got, want := table(header, rows, w, 3), "a bb\n1 22\n"+note; got != want {
			t.Errorf("table at width %d:\n%s\nwant\n%s", w, got, want)
		}
	}
	if got := table(header, rows, 20, 10); strings.Count(got, "\n") != 3 || strings.Contains(got, "+") {
		t.Errorf("a table that fits:\n%s", got)
	}
}

// Every chart of every experiment labels its axes at round values: evenly
// spaced by 1, 2 or 5 times a power of ten (decades, or 1-2-5 within them,
// on a log axis), all in one format.
func TestAxisLabelsAreRound(t *testing.T) {
	for _, e := range everyExperiment(t) {
		t.Run(e.name, func(t *testing.T) {
			a := newTestApp(Options{Topic: e.t, Values: e.v, Seed: 4})
			a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			r := a.screen.(*runner)
			r.Advance(40)
			for _, sz := range [][2]int{{80, 24}, {100, 30}, {200, 60}} {
				a.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				for name, p := range r.d.plots {
					if p.w != 0 && p.note == "" {
						checkAxis(t, fmt.Sprintf("%s x at %dx%d", name, sz[0], sz[1]), p.xLabels, p.logX)
						checkAxis(t, fmt.Sprintf("%s y at %dx%d", name, sz[0], sz[1]), p.yLabels, p.logY)
					}
				}
			}
		})
	}
}

// labelValue parses an axis label: 0.25, 12k, 3M, 1e-04, 10⁻², 10³.
func labelValue(s string) (float64, bool) {
	if e, ok := strings.CutPrefix(s, "10"); ok && e != "" && !strings.ContainsAny(e, "0123456789.kM") {
		d := 0
		for _, r := range strings.TrimPrefix(e, "⁻") {
			k := strings.IndexRune("⁰¹²³⁴⁵⁶⁷⁸⁹", r)
			if k < 0 {
				return 0, false
			}
			d = 10*d + utf8.RuneCountInString("⁰¹²³⁴⁵⁶⁷⁸⁹"[:k])
		}
		if strings.HasPrefix(e, "⁻") {
			d = -d
		}
		return math.Pow(10, float64(d)), true
	}
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		s, mult = strings.TrimSuffix(s, "k"), 1e3
	case strings.HasSuffix(s, "M"):
		s, mult = strings.TrimSuffix(s, "M"), 1e6
	}
	v, err := strconv.ParseFloat(s, 64)
	return v * mult, err == nil
}

// format is a label's shape: its decimals and suffix.
func format(s string) string {
	if strings.Contains(s, "e") {
		return "exp"
	}
	dec := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		dec = len(strings.TrimRight(s[i+1:], "kM"))
	}
	return fmt.Sprintf("%d%s", dec, strings.TrimLeft(s, "-0123456789."))
}

// is125 reports whether x is 1, 2 or 5 times a power of ten.
func is125(x float64) bool {
	if !(x > 0) {
		return false
	}
	m := x / math.Pow(10, math.Floor(math.Log10(x)+1e-9))
	for _, c := range []float64{1, 2, 5} {
		if math.Abs(m-c) < 1e-6 {
			return true
		}
	}
	return false
}

func checkAxis(t *testing.T, what string, labels []string, log bool) {
	t.Helper()
	if err := axisProblem(labels, log); err != "" {
		t.Errorf("%s: %s", what, err)
	}
}

// axisProblem says what is wrong with an axis's labels ("" if nothing).
func axisProblem(labels []string, log bool) string {
	var vs []float64
	for _, l := range labels {
		v, ok := labelValue(l)
		if !ok {
			return fmt.Sprintf("label %q is not a number", l)
		}
		vs = append(vs, v)
	}
	sort.Float64s(vs)
	if log {
		for _, v := range vs {
			if !is125(v) {
				return fmt.Sprintf("log label %v is not 1, 2 or 5 times a power of ten", v)
			}
		}
		return ""
	}
	for i := 1; i < len(labels); i++ {
		if format(labels[i]) != format(labels[0]) {
			return fmt.Sprintf("labels %q and %q differ in format", labels[0], labels[i])
		}
	}
	for i := 2; i < len(vs); i++ {
		if d, d0 := vs[i]-vs[i-1], vs[1]-vs[0]; math.Abs(d-d0) > 1e-9*math.Max(1, math.Abs(d0)) {
			return fmt.Sprintf("labels %v are not evenly spaced", labels)
		}
	}
	if len(vs) > 1 && !is125(vs[1]-vs[0]) {
		return fmt.Sprintf("labels %v step by %v, not 1, 2 or 5 times a power of ten", labels, vs[1]-vs[0])
	}
	return ""
}

// The axis check catches the labels the charts used to print, and the
// ticks pass it.
func TestAxisCheck(t *testing.T) {
	for _, bad := range []struct {
		labels []string
		log    bool
	}{
		{[]string{"0.0", "0.2", "0.3", "0.5", "0.7", "0.9"}, false},
		{[]string{"-3.1", "-1.5", "0.2", "1.9"}, false},
		{[]string{"0.0013", "0.039", "1.2", "34"}, true},
		{[]string{"0.5", "1", "1.5"}, false},
	} {
		if axisProblem(bad.labels, bad.log) == "" {
			t.Errorf("%v passed", bad.labels)
		}
	}
	for _, c := range [][2]float64{{0, 0.93}, {-math.Pi, math.Pi}, {0.5, 5.5}, {0, 54321}, {-0.018, 0.018}, {1e-6, 3e-6}} {
		ts, step := ticks(c[0], c[1], 6, false)
		var labels []string
		for _, v := range ts {
			labels = append(labels, tickLabel(v, step, math.Max(math.Abs(c[0]), math.Abs(c[1]))))
		}
		if err := axisProblem(labels, false); err != "" || len(ts) < 2 {
			t.Errorf("ticks over %v: %v: %s", c, labels, err)
		}
	}
	if ts, _ := ticks(0.5, 5.5, 20, true); len(ts) != 5 || ts[0] != 1 {
		t.Errorf("integer ticks over depths 1..5: %v", ts)
	}
}

// Numbers in adjacent columns of a table never touch, whatever their
// widths.
func TestTableNumbersNeverTouch(t *testing.T) {
	rows := [][]string{{"1092", "-0.07", "+0.00"}, {"1", "+12.345", "0"}, {"123456", "7", "-8"}}
	out := table([]string{"n", "a", "b"}, rows, 40, 10)
	for _, line := range strings.Split(out, "\n")[1:] {
		fields := strings.Fields(line)
		if len(fields) != 3 {
			t.Fatalf("line %q splits into %d fields, want 3 (numbers touching?)", line, len(fields))
		}
	}
}

// Decades on a log axis read as such, 10⁻² … 10², each label against the
// axis as ASCII ones are (ntcharts counts bytes, not cells).
func TestLogAxisShowsDecades(t *testing.T) {
	for d, want := range map[int]string{-10: "10⁻¹⁰", -2: "10⁻²", -1: "10⁻¹", 0: "1", 1: "10", 2: "10²"} {
		if got := decadeLabel(d); got != want {
			t.Errorf("decade %d: %q, want %q", d, got, want)
		}
	}
	p := &plot{c: NewCommon(asciiRenderer()), w: 40, h: 16, logX: true, logY: true}
	p.draw([2]float64{1e-3, 1e3}, [2]float64{1e-3, 1e3}, series{xs: []float64{1e-3, 1e3}, ys: []float64{1e-3, 1e3}})
	out := ansi.Strip(p.view())
	for _, l := range []string{"10⁻²", "10²"} {
		if !strings.Contains(out, l) {
			t.Errorf("no %s on the axes:\n%s", l, out)
		}
	}
	axis := -1
	for _, line := range strings.Split(out, "\n") {
		r := []rune(line)
		for i, c := range r {
			if c == '│' || c == '┤' || c == '┼' || c == '└' {
				if axis >= 0 && i != axis {
					t.Fatalf("y axis at column %d and %d:\n%s", axis, i, out)
				}
				axis = i
				if l := strings.TrimSpace(string(r[:i])); l != "" && r[i-1] == ' ' {
					t.Errorf("label %q stands off the axis:\n%s", l, out)
				} else if _, ok := labelValue(l); l != "" && !ok {
					t.Errorf("label %q is not a number:\n%s", l, out)
				}
				break
			}
		}
	}
}
