package tui

import (
	"math"
	"reflect"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/huandu/go-clone"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// unit is one experiment of a topic as the runner drives it: its
// simulation and everything the user set on it (the digit on display, a
// drawing in progress, log axes). A unit holds no view: no sizes, styles or
// drawn charts. It says what to show in layout, and each view draws that
// with its own drawer at its own size, so that many views can draw one unit
// at once and a copy (state.clone) runs on alone.
type unit interface {
	// reset builds a fresh simulation from v and seed; an error (bad
	// parameters) leaves the unit as it was.
	reset(v topic.Values, seed uint64) error
	step()
	// status is the one-line state after the step count.
	status() string
	// layout says what the view shows: the boxes and the last update.
	layout(d *drawer) layout
	// tabs names the side panel's tabs after Parameters; panel draws one
	// as text w wide (the runner scrolls it).
	tabs() []string
	panel(d *drawer, name string, w int) string
	// key handles the unit's own keys and reports whether it used the key;
	// keys lists them for the help.
	key(tea.KeyMsg) bool
	keys() []key.Binding
}

// finisher is implemented by a unit whose run has an end (its epochs): the
// runner pauses there and says so, as jclub run stops there; space goes on.
type finisher interface {
	finished(v topic.Values) (done bool, why string)
}

// liver is implemented by a unit whose simulation reads a live parameter
// (one that applies without a restart): live is called when one changes.
type liver interface{ live(v topic.Values) }

// modal is implemented by a unit that sometimes takes every key itself (a
// drawing mode); while modal() is true the runner passes keys straight on,
// and the bottom bar shows modalKeys.
type modal interface {
	modal() bool
	modalKeys() []key.Binding
}

// layout is what a unit shows, for the runner to place (layout.go): the
// main picture on the left over the last update and the side panel, and a
// column of boxes on the right.
type layout struct {
	main   box
	update string // the last update with its numbers: wraps, up to five lines
	right  []box
}

// box is one bordered part of a screen. The layout engine gives it its
// size; draw fills the content (w×h cells inside the border, above the
// legend).
type box struct {
	title   string // shortened to fit: words go before numbers
	legend  string // under the content, wrapped to the width (up to three lines)
	min     int    // content rows it needs at least
	focused bool
	// legendFrom, if set, shows the legend only in a box of at least that
	// many rows (a key to marks that a small box needs the room for)
	legendFrom int
	// essential are numbers the box must show whatever its size (a test
	// checks them, with those of the title and legend)
	essential []string
	// optional boxes are left out where the others leave them less than
	// min rows (what they show is in a side-panel tab too)
	optional bool
	draw     func(w, h int) string
	click    func(x, y int) bool // a click at content cell (x, y); true if used
}

// textBox is a box of text, wrapped to its width.
func textBox(title, text string) box {
	return box{title: title, draw: func(w, h int) string { return wrap(text, w) }}
}

// drawer is one view's means of drawing a unit: the theme, the values, and
// the charts and fields this view drew before, by name, with when and at
// what size (a running screen redraws its charts every chartPeriod, not
// every frame).
type drawer struct {
	c      *Common
	v      topic.Values
	live   bool // drawing a running loop: charts may skip frames
	plots  map[string]*plot
	fields map[string]*field
	grown  map[string]float64 // see grow
	slow   map[string]*drawn  // see throttled
	resets int                // the state's resets when grown was last cleared
}

func newDrawer(c *Common) *drawer {
	return &drawer{c: c, plots: map[string]*plot{}, fields: map[string]*field{}, grown: map[string]float64{}, slow: map[string]*drawn{}}
}

// grow returns the largest x asked for under name since the run was reset:
// a window that grows with the data and never shrinks back in this view.
func (d *drawer) grow(name string, x float64) float64 {
	x = math.Max(x, d.grown[name])
	d.grown[name] = x
	return x
}

// S is the theme.
func (d *drawer) S() Styles { return d.c.S }

// chart is a box holding a line chart: fn draws the data on p, which has
// the box's size, and returns "" or, when there is nothing to plot yet, a
// line to show instead.
func (d *drawer) chart(name, title, legend string, fn func(p *plot) string) box {
	return box{title: title, legend: legend, min: 6, draw: func(w, h int) string {
		p := d.plots[name]
		if p == nil {
			p = &plot{c: d.c}
			d.plots[name] = p
		}
		if p.w != w || p.h != h || !d.live || time.Since(p.at) >= chartPeriod {
			p.w, p.h, p.at = w, h, time.Now()
			p.out = ""
			p.note = fn(p)
		}
		if p.note != "" {
			return "\n" + d.c.S.Dim.Render(wrap(p.note, w))
		}
		return p.view()
	}}
}

// drawn is a picture a view drew, with when and at what size.
type drawn struct {
	out  string
	w, h int
	at   time.Time
}

// throttled is draw's picture for name, drawn again as charts are: after
// any change not from a running loop, at another size, or every
// chartPeriod while running (for pictures that cost milliseconds).
func (d *drawer) throttled(name string, w, h int, draw func() string) string {
	p := d.slow[name]
	if p == nil || p.w != w || p.h != h || !d.live || time.Since(p.at) >= chartPeriod {
		p = &drawn{out: draw(), w: w, h: h, at: time.Now()}
		d.slow[name] = p
	}
	return p.out
}

// field is this view's particle field called name, sized w×h.
func (d *drawer) field(name string, w, h int) *field {
	f := d.fields[name]
	if f == nil {
		f = newField(d.c)
		d.fields[name] = f
	}
	if f.w != w || f.h != h {
		f.setSize(w, h)
	}
	return f
}

// state is everything that decides what a screen shows (DESIGN.md §4): the
// topic, its values and seed, the unit built from them and its step count,
// and whether it runs and how fast. A view (runner) draws a state; several
// views can draw one, and clone copies it deeply.
type state struct {
	t       *topic.Topic
	mk      func(exp string) unit // the unit of each experiment
	v       topic.Values
	seed    uint64
	exp     string // the experiment the unit was made for
	u       unit
	steps   int
	speed   int // index into speeds
	running bool
	pastEnd bool // the run went on past its end (its epochs): no more pauses there
	resets  int  // how many times the unit was reset
}

// MNIST digits are read once and shared read-only by every net: a copy of a
// state shares them rather than copying 50 MB.
func init() { clone.MarkAsScalar(reflect.TypeOf(models.Digits{})) }

// clone is a deep copy: the simulation with its weights and random source
// included, so that the copy runs on independently of the original.
func (s *state) clone() *state {
	c := *s
	c.v = s.v.Clone()
	c.u = clone.Clone(s.u).(unit)
	return &c
}

// experiment is the value of the experiment parameter in v ("" if none).
func experiment(v topic.Values) string {
	if k := topic.ExperimentParam(v.Params()); k >= 0 {
		return v.Format(k)
	}
	return ""
}

// apply rebuilds the unit from v (a new unit if the experiment changed);
// if v is rejected the state stays as it was.
func (s *state) apply(v topic.Values) error {
	if s.t.Check != nil {
		if err := s.t.Check(v); err != nil {
			return err
		}
	}
	u, exp := s.u, experiment(v)
	if u == nil || exp != s.exp {
		u = s.mk(exp)
	}
	if err := u.reset(v, s.seed); err != nil {
		return err
	}
	s.u, s.exp, s.v, s.steps, s.pastEnd = u, exp, v, 0, false
	s.resets++
	return nil
}

// advance takes up to n steps, stopping early once budget is spent (0: no
// limit); it stops the run, and says why, at the run's end.
func (s *state) advance(n int, budget time.Duration) (why string) {
	start := time.Now()
	f, ends := s.u.(finisher)
	for i := 0; i < n; i++ {
		s.u.step()
		s.steps++
		if ends && !s.pastEnd {
			if done, why := f.finished(s.v); done {
				s.pastEnd, s.running = true, false
				return why
			}
		}
		if budget > 0 && time.Since(start) > budget {
			break
		}
	}
	return ""
}
